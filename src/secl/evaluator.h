// src/secl/evaluator.h
//
// Stage 5: runs a detail::ProgramCode against one event. One Evaluation per
// Evaluate call: it caches "now" (read at most once) and owns the scratch
// buffers of interpolated strings; nothing else is allocated. Values are
// visited element by element (arrays, iterators) with inlined callbacks; no
// virtual call per node, only the FieldSource/VariableSource reads.

#ifndef PICKET_SECL_EVALUATOR_H_
#define PICKET_SECL_EVALUATOR_H_

#include "secl/compiler.h"
#include "secl/lowering.h"

namespace picket::secl::detail {

bool EvaluateCode(const ProgramCode& code, const FieldSource& fields,
                  const VariableSource* variables);
OwnedValue EvaluateCodeValue(const ProgramCode& code, const FieldSource& fields,
                             const VariableSource* variables);

}  // namespace picket::secl::detail

#endif  // PICKET_SECL_EVALUATOR_H_
