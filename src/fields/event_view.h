// EventView: secl::FieldSource over one event and the process image it
// concerns (spec §6.1, §11). Bound once per event by the pipeline, then read
// by every rule of the event's bucket.
//
// - exec: process.* == exec.* == the new image; process.parent is the image's
//   lineage parent (the pre-exec image of the same pid); process.ancestors is
//   the lineage chain starting at the parent, bounded to kMaxAncestors. The
//   chain is collected on first use: most events are ruled out by fields of
//   their own image, and the lineage memo (below) needs only the images up
//   to the nearest remembered one.
// - fork: process.* is the child's image.
// - exit: process.* == exit.* == the exiting image; exit.code / exit.cause
//   come from the event.
// Anything missing (no image, no parent) reads as SECL zero values.
//
// Derived values (args, args_flags, user names, …) are computed on first use
// and memoised per image for the lifetime of the binding, so the views the
// evaluator receives stay valid until the next Bind. Not thread-safe: one
// EventView per pipeline thread.
//
// Lineage memo. "Some ancestor's file.name is sshd" is asked on every exec,
// and the answer for a process is its parent's answer plus one test: the
// lineage above an image never changes while the image lives. So
// AnyElementMatches remembers, per (image, field, matcher), whether the image
// or an image above it matches, and a new exec costs a lookup (plus a test of
// each new image below the nearest remembered one) instead of a walk to
// init. Only fields that are a pure function of the image are remembered
// (comm, file path/name, argv0, cgroup, …; not user names, whose resolution
// may change). The memo keeps each remembered image's
// allocation (a weak reference), so an address it holds is never reused by
// another image. It assumes two things the owner must uphold: the matchers
// it was asked about stay alive and unchanged, and no lineage_parent it has
// seen changes. So it is off until the owner turns it on, and the owner must
// call ForgetLineage() when the rule set is replaced or the tree cuts a
// lineage (ProcessTreeStats::lineage_cuts); app::Pipeline does both.

#ifndef PICKET_FIELDS_EVENT_VIEW_H_
#define PICKET_FIELDS_EVENT_VIEW_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/user_names.h"
#include "events/process_events.h"
#include "fields/catalogue.h"
#include "proc/process.h"
#include "secl/field_source.h"

namespace picket::fields {

// Constant per agent run: event.hostname and event.origin.
struct EventHostContext {
  std::string hostname;  // "" = gethostname()
  std::string origin = "ebpf";
};

class EventView final : public secl::FieldSource {
 public:
  // Ancestors deeper than this are not visited (a runaway chain must not
  // cost unbounded time per event).
  static constexpr std::size_t kMaxAncestors = 256;

  // `catalogue` and `user_names` must outlive the view. The host name
  // defaults to gethostname().
  EventView(const FieldCatalogue& catalogue, UserNames& user_names);
  EventView(const FieldCatalogue& catalogue, UserNames& user_names, EventHostContext host);
  ~EventView() override;

  // Binds `event` with the image it concerns (see above). `image` may be null:
  // for an exec the image is then built from the event itself; otherwise
  // process fields read as zero values. `now_ns` is what durations compare
  // against (the event time on replay). `source` is "runtime" or "snapshot".
  // The event and the image must stay alive until the next Bind/Reset.
  void Bind(const events::Event& event, const proc::Process* image, std::int64_t now_ns,
            std::string_view source = "runtime");
  void Reset();

  // event.rule.tags: the product tags of the rule about to be evaluated.
  void set_rule_tags(std::span<const std::string> tags) { rule_tags_ = tags; }

  const proc::Process* image() const { return image_; }
  std::size_t ancestor_count() const { return Ancestors().size(); }

  // Drops every remembered lineage verdict (see above).
  void ForgetLineage() { lineage_memo_.clear(); }
  // Off (the default): AnyElementMatches walks the ancestors every time.
  void set_lineage_memo_enabled(bool enabled) {
    lineage_memo_enabled_ = enabled;
    ForgetLineage();
  }
  std::size_t lineage_memo_size() const { return lineage_memo_.size(); }
  // Bound on remembered verdicts; the memo starts over when it is full.
  static constexpr std::size_t kMaxLineageMemoEntries = 1024;

  // secl::FieldSource
  secl::Value Get(secl::FieldId field, std::uint32_t element) const override;
  std::size_t ArrayLength(secl::FieldId field, std::uint32_t element) const override;
  secl::Value GetAt(secl::FieldId field, std::uint32_t element, std::size_t index) const override;
  std::size_t IteratorLength(secl::IteratorId iterator) const override;
  bool AnyElementMatches(secl::FieldId field, secl::IteratorId iterator,
                         const match::StringMatcher& matcher) const override;
  std::int64_t NowNs() const override { return now_ns_; }

 private:
  struct Derived;  // memoised values of one image
  struct LineageKey {
    const proc::Process* image = nullptr;
    const match::StringMatcher* matcher = nullptr;
    secl::FieldId field = 0;
    friend bool operator==(const LineageKey&, const LineageKey&) = default;
  };
  struct LineageKeyHash {
    std::size_t operator()(const LineageKey& key) const;
  };
  struct LineageVerdict {
    bool image_or_above_matches = false;
    std::weak_ptr<const proc::Process> pin;  // keeps `image`'s address from reuse
  };

  // process.ancestors as bound (collected on first use).
  const std::vector<const proc::Process*>& Ancestors() const;
  // Whether the whole lineage above the image fits in kMaxAncestors, known
  // without walking it (from the tree's depth bound).
  bool LineageKnownShort() const;
  // Whether `matcher` accepts `entry`'s field of `ancestor`, the ancestor at
  // `index` (0 = the parent).
  bool AncestorMatches(const FieldEntry& entry, const match::StringMatcher& matcher,
                       const proc::Process& ancestor, std::size_t index) const;
  // Whether `matcher` accepts `entry`'s field of some bound ancestor.
  bool AnyBoundAncestorMatches(const FieldEntry& entry, const match::StringMatcher& matcher) const;

  const proc::Process* Resolve(const FieldBinding& binding, std::uint32_t element,
                               std::size_t& slot) const;
  Derived& DerivedFor(const proc::Process& image, std::size_t slot) const;
  std::span<const std::string> ArrayOf(secl::FieldId field, std::uint32_t element) const;
  secl::Value ProcessValue(Attr attr, const proc::Process& image, std::size_t slot,
                           FileSelector file) const;
  secl::Value EventValue(Attr attr) const;

  const FieldCatalogue& catalogue_;
  UserNames& user_names_;
  EventHostContext host_;

  const events::Event* event_ = nullptr;
  const proc::Process* image_ = nullptr;
  std::unique_ptr<proc::Process> synthesized_;  // exec without a tree image
  mutable std::vector<const proc::Process*> ancestors_;
  mutable bool ancestors_bound_ = false;
  mutable std::vector<const proc::Process*> unremembered_;  // AnyElementMatches' scratch
  std::int64_t now_ns_ = 0;
  std::string_view source_ = "runtime";
  std::span<const std::string> rule_tags_;
  // Slot 0: the event's image; slot 1 + i: ancestors_[i].
  mutable std::vector<std::unique_ptr<Derived>> derived_;
  mutable std::vector<std::size_t> derived_in_use_;  // slots to clear on Reset
  bool lineage_memo_enabled_ = false;
  mutable std::unordered_map<LineageKey, LineageVerdict, LineageKeyHash> lineage_memo_;
};

}  // namespace picket::fields

#endif  // PICKET_FIELDS_EVENT_VIEW_H_
