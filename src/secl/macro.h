// src/secl/macro.h
//
// Environment::Macro, the stored form of a macro: its text and parse tree
// (typed at each use site by the checker), or the values of a `values:`
// macro. Internal to secl/.

#ifndef PICKET_SECL_MACRO_H_
#define PICKET_SECL_MACRO_H_

#include <memory>
#include <string>
#include <vector>

#include "secl/ast.h"
#include "secl/compiler.h"

namespace picket::secl {

struct Environment::Macro {
  std::string id;
  std::string text;
  std::shared_ptr<const ast::Node> body;  // null when parsing failed or for values
  bool has_errors = false;
  bool is_values = false;
  std::vector<std::string> values;  // `values:` macros
};

}  // namespace picket::secl

#endif  // PICKET_SECL_MACRO_H_
