// picket_fields_doc: prints docs/fields.md, generated from the catalogue.
//   build/dev/src/fields/picket_fields_doc > docs/fields.md

#include <cstdio>

#include "fields/catalogue.h"
#include "fields/fields_markdown.h"

int main() {
  std::string text =
      picket::fields::RenderFieldsMarkdown(picket::fields::FieldCatalogue::Default());
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::ferror(stdout) ? 1 : 0;
}
