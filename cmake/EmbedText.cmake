# cmake -DINPUT=<file> -DOUTPUT=<file.cc> -DSYMBOL=<name> -DNAMESPACE=<ns> -P EmbedText.cmake
# Writes a C++ source defining `std::string_view <NAMESPACE>::<SYMBOL>()` that
# returns INPUT's bytes, so the binary carries the file (the shipped policy).
file(READ "${INPUT}" content)
set(delimiter "picket_embed")
string(FIND "${content}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by cmake/EmbedText.cmake. Do not edit.
#include <string_view>
namespace ${NAMESPACE} {
std::string_view ${SYMBOL}() {
  static constexpr char kText[] = R\"${delimiter}(${content})${delimiter}\";
  return std::string_view(kText, sizeof(kText) - 1);
}
}  // namespace ${NAMESPACE}
")
