// Human-readable renderings of a signal, shared by the stdout sink (on a
// terminal) and `picket signals`: the one-line summary and the ancestors tree.

#ifndef PICKET_SINKS_SIGNAL_TEXT_H_
#define PICKET_SINKS_SIGNAL_TEXT_H_

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "sinks/signal_record.h"
#include "sinks/sqlite_store_reader.h"

namespace picket::sinks {

// One line, no trailing newline:
//   2026-11-28T11:20:35.123456789Z high net_util comm=curl pid=4242 user=root: <message>
// The message is the rendered template, or the title when there is none.
// Empty severity/user print as "-" so columns stay aligned for awk.
std::string FormatSignalLine(const SignalRecord& record);

// The lineage of a spec §15 signal document as an indented tree, oldest
// ancestor first, the signal's own process last and marked:
//
//   systemd (pid 1) /usr/lib/systemd/systemd
//   └─ sh (pid 4100) /tmp/dropper.sh
//      └─ curl (pid 4242) /usr/bin/curl  <- signal
//
// Ancestors come from process.ancestors[] (index 0 = parent); each shows
// pid, comm and executable.path, plus "(exited)" when the entry carries an
// exit_time or `exited: true`. Missing members render as "?"; a document
// without a process object renders as "(no process in signal)\n".
// Ends with a newline.
std::string RenderAncestorTree(const nlohmann::json& signal);

// `picket signals list`: "<id> " + FormatSignalLine, id right-aligned to 6.
std::string FormatListedSignal(const StoredSignal& signal);

// `picket signals around`: like FormatListedSignal with the offset from
// `center` ("+12.500s", "-0.001s") after the id, and "=>" marking `center`
// itself.
std::string FormatAroundSignal(const StoredSignal& signal, const StoredSignal& center);

// `picket signals ... --json`: one line, the stored columns plus the parsed
// signal document under "signal" (kept as a string if it does not parse).
std::string StoredSignalJsonLine(const StoredSignal& signal);

// `picket signals show`: the document pretty-printed, then the ancestry tree.
// A document that does not parse is shown verbatim with a note.
std::string RenderSignalDetail(const StoredSignal& signal);

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SIGNAL_TEXT_H_
