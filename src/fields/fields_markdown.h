// docs/fields.md, generated from the field catalogue so the documentation
// cannot drift from the table. Regenerate with:
//   build/<dir>/src/fields/picket_fields_doc > docs/fields.md
// (fields_markdown_test fails while the committed file differs.)

#ifndef PICKET_FIELDS_FIELDS_MARKDOWN_H_
#define PICKET_FIELDS_FIELDS_MARKDOWN_H_

#include <string>

#include "fields/catalogue.h"

namespace picket::fields {

std::string RenderFieldsMarkdown(const FieldCatalogue& catalogue);

}  // namespace picket::fields

#endif  // PICKET_FIELDS_FIELDS_MARKDOWN_H_
