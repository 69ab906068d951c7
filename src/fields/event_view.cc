#include "fields/event_view.h"

#include <unistd.h>

#include <array>
#include <optional>

#include "fields/process_args.h"

namespace picket::fields {
namespace {

std::string LocalHostname() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return {};
  return buffer;
}

const events::FileInfo& FileOf(const proc::Process& image, FileSelector selector) {
  return selector == FileSelector::kInterpreter ? image.interpreter : image.file;
}

// String attributes that are a function of the image alone (not of the user
// name cache, the clock or the event): their verdicts may be remembered for
// as long as the image lives.
bool IsImageString(Attr attr) {
  switch (attr) {
    case Attr::kComm:
    case Attr::kTtyName:
    case Attr::kArgv0:
    case Attr::kArgs:
    case Attr::kContainerId:
    case Attr::kCgroupId:
    case Attr::kCgroupManager:
    case Attr::kSyscallPath:
    case Attr::kFilePath:
    case Attr::kFileName:
    case Attr::kFileExtension:
    case Attr::kFileFilesystem:
      return true;
    default:
      return false;
  }
}

}  // namespace

// Per-image values computed on first use. Strings returned as views into
// these members stay valid until the next Bind. The objects outlive the
// binding (Reset clears the ones used) so an event costs no allocation of
// its own here.
struct EventView::Derived {
  std::optional<std::string> args;
  std::optional<ArgsFlagsAndOptions> flags_and_options;
  std::optional<std::vector<std::string>> env_names;
  // user, group, euser, egroup, fsuser, fsgroup, file user/group (executable,
  // interpreter): names copied out of UserNames, whose cache may evict.
  std::array<std::optional<std::string>, 10> names;
  bool in_use = false;

  void Clear() {
    args.reset();
    flags_and_options.reset();
    env_names.reset();
    for (std::optional<std::string>& name : names) name.reset();
    in_use = false;
  }
};

EventView::EventView(const FieldCatalogue& catalogue, UserNames& user_names)
    : EventView(catalogue, user_names, EventHostContext{}) {}

EventView::EventView(const FieldCatalogue& catalogue, UserNames& user_names, EventHostContext host)
    : catalogue_(catalogue), user_names_(user_names), host_(std::move(host)) {
  if (host_.hostname.empty()) host_.hostname = LocalHostname();
}

EventView::~EventView() = default;

void EventView::Bind(const events::Event& event, const proc::Process* image, std::int64_t now_ns,
                     std::string_view source) {
  Reset();
  event_ = &event;
  now_ns_ = now_ns;
  source_ = source;
  if (image == nullptr) {
    if (const auto* exec = std::get_if<events::ExecEvent>(&event)) {
      synthesized_ = std::make_unique<proc::Process>(proc::ImageFromExec(*exec));
      image = synthesized_.get();
    }
  }
  image_ = image;
}

const std::vector<const proc::Process*>& EventView::Ancestors() const {
  if (ancestors_bound_) return ancestors_;
  ancestors_bound_ = true;
  if (image_ == nullptr) return ancestors_;
  for (const proc::Process* ancestor = image_->lineage_parent.get();
       ancestor != nullptr && ancestors_.size() < kMaxAncestors;
       ancestor = ancestor->lineage_parent.get()) {
    ancestors_.push_back(ancestor);
  }
  return ancestors_;
}

bool EventView::LineageKnownShort() const {
  // lineage_depth is the tree's upper bound of the images above an image; an
  // image made outside a tree leaves it 0 while having a parent, and is
  // walked instead.
  if (image_->lineage_parent == nullptr) return true;
  return image_->lineage_depth != 0 && image_->lineage_depth < kMaxAncestors;
}

void EventView::Reset() {
  event_ = nullptr;
  image_ = nullptr;
  synthesized_.reset();
  ancestors_.clear();
  ancestors_bound_ = false;
  rule_tags_ = {};
  for (std::size_t slot : derived_in_use_) derived_[slot]->Clear();
  derived_in_use_.clear();
}

const proc::Process* EventView::Resolve(const FieldBinding& binding, std::uint32_t element,
                                        std::size_t& slot) const {
  switch (binding.target) {
    case Target::kSelf:
      slot = 0;
      return image_;
    case Target::kParent:
      slot = 1;
      return image_ == nullptr ? nullptr : image_->lineage_parent.get();
    case Target::kAncestor: {
      const std::vector<const proc::Process*>& ancestors = Ancestors();
      if (element >= ancestors.size()) return nullptr;
      slot = 1 + element;
      return ancestors[element];
    }
    case Target::kEvent:
      return nullptr;
  }
  return nullptr;
}

EventView::Derived& EventView::DerivedFor(const proc::Process& /*image*/, std::size_t slot) const {
  if (derived_.size() <= slot) derived_.resize(slot + 1);
  if (!derived_[slot]) derived_[slot] = std::make_unique<Derived>();
  Derived& derived = *derived_[slot];
  if (!derived.in_use) {
    derived.in_use = true;
    derived_in_use_.push_back(slot);
  }
  return derived;
}

secl::Value EventView::Get(secl::FieldId field, std::uint32_t element) const {
  const FieldEntry& entry = catalogue_.entry(field);
  if (event_ == nullptr) return secl::Value::Zero(entry.info.type);
  if (entry.binding.target == Target::kEvent) {
    secl::Value value = EventValue(entry.binding.attr);
    return value.type == entry.info.type ? value : secl::Value::Zero(entry.info.type);
  }
  std::size_t slot = 0;
  const proc::Process* image = Resolve(entry.binding, element, slot);
  if (image == nullptr) return secl::Value::Zero(entry.info.type);
  secl::Value value = ProcessValue(entry.binding.attr, *image, slot, entry.binding.file);
  return value.type == entry.info.type ? value : secl::Value::Zero(entry.info.type);
}

secl::Value EventView::ProcessValue(Attr attr, const proc::Process& image, std::size_t slot,
                                    FileSelector file_selector) const {
  using secl::Value;
  const events::Credentials& creds = image.credentials;
  auto name = [&](std::size_t index, bool is_user, std::uint32_t id) -> Value {
    std::optional<std::string>& cached = DerivedFor(image, slot).names[index];
    if (!cached) cached = is_user ? user_names_.User(id) : user_names_.Group(id);
    return Value::String(*cached);
  };
  const events::FileInfo& file = FileOf(image, file_selector);
  const std::size_t file_name_index = file_selector == FileSelector::kInterpreter ? 8 : 6;
  auto i64 = [](std::uint64_t v) { return Value::Int(static_cast<std::int64_t>(v)); };
  switch (attr) {
    case Attr::kPid:
      return i64(image.key.pid);
    case Attr::kTid:
      return i64(image.tid != 0 ? image.tid : image.key.pid);
    case Attr::kPpid:
      return i64(image.parent_key.pid);
    case Attr::kComm:
      return Value::String(image.comm);
    case Attr::kTtyName:
      return Value::String(image.tty);
    case Attr::kIsThread:
      return Value::Bool(image.is_thread);
    case Attr::kIsExec:
      return Value::Bool(image.is_exec);
    case Attr::kIsKworker:
      // Kernel workers never exec and picket's tree holds user processes only.
      return Value::Bool(false);
    case Attr::kCreatedAt:
      return i64(image.is_exec && image.exec_time_ns != 0 ? image.exec_time_ns
                                                          : image.fork_time_ns);
    case Attr::kArgv0:
      return Value::String(image.argv.empty() ? std::string_view() : image.argv.front());
    case Attr::kArgs: {
      Derived& derived = DerivedFor(image, slot);
      if (!derived.args) derived.args = JoinArgs(image.argv);
      return Value::String(*derived.args);
    }
    case Attr::kArgsTruncated:
      return Value::Bool(image.args_truncated);
    case Attr::kEnvsTruncated:
      return Value::Bool(image.envs_truncated);
    case Attr::kUid:
      return i64(creds.uid);
    case Attr::kGid:
      return i64(creds.gid);
    case Attr::kEuid:
      return i64(creds.euid);
    case Attr::kEgid:
      return i64(creds.egid);
    case Attr::kFsuid:
      return i64(creds.fsuid);
    case Attr::kFsgid:
      return i64(creds.fsgid);
    case Attr::kUser:
      return name(0, true, creds.uid);
    case Attr::kGroup:
      return name(1, false, creds.gid);
    case Attr::kEuser:
      return name(2, true, creds.euid);
    case Attr::kEgroup:
      return name(3, false, creds.egid);
    case Attr::kFsuser:
      return name(4, true, creds.fsuid);
    case Attr::kFsgroup:
      return name(5, false, creds.fsgid);
    case Attr::kAuid:
      return i64(creds.auid);
    case Attr::kCapEffective:
      return i64(creds.cap_effective);
    case Attr::kCapPermitted:
      return i64(creds.cap_permitted);
    case Attr::kContainerId:
      return Value::String(image.container_id);
    case Attr::kCgroupId:
      return Value::String(image.cgroup_path);
    case Attr::kCgroupManager:
      return Value::String(CgroupManager(image.cgroup_path));
    case Attr::kCgroupFileInode:
      return i64(image.cgroup_id);
    case Attr::kSyscallPath:
      return Value::String(image.filename);
    case Attr::kFilePath:
      return Value::String(file.path);
    case Attr::kFileName:
      return Value::String(BaseName(file.path));
    case Attr::kFileExtension:
      return Value::String(Extension(file.path));
    case Attr::kFileInode:
      return i64(file.inode);
    case Attr::kFileMountId:
      return i64(file.mount_id);
    case Attr::kFileFilesystem:
      return Value::String(file.filesystem);
    case Attr::kFileUid:
      return i64(file.uid);
    case Attr::kFileGid:
      return i64(file.gid);
    case Attr::kFileUser:
      return name(file_name_index, true, file.uid);
    case Attr::kFileGroup:
      return name(file_name_index + 1, false, file.gid);
    case Attr::kFileMode:
      return i64(file.mode);
    case Attr::kFileRights:
      return i64(file.mode & 07777);
    case Attr::kFileChangeTime:
      return i64(file.change_time_ns);
    case Attr::kFileModificationTime:
      return i64(file.modification_time_ns);
    default:
      return Value::Zero(secl::ScalarType::kBool);  // caller maps to the field's zero
  }
}

secl::Value EventView::EventValue(Attr attr) const {
  using secl::Value;
  switch (attr) {
    case Attr::kEventTimestamp:
      return Value::Int(static_cast<std::int64_t>(events::TimestampNs(*event_)));
    case Attr::kEventOrigin:
      return Value::String(host_.origin);
    case Attr::kEventOs:
      return Value::String("linux");
    case Attr::kEventService:
      return Value::String(image_ == nullptr ? std::string_view()
                                             : EnvironmentValue(image_->envp, "DD_SERVICE"));
    case Attr::kEventHostname:
      return Value::String(host_.hostname);
    case Attr::kEventAsync:
      return Value::Bool(false);
    case Attr::kEventSource:
      return Value::String(source_);
    case Attr::kExitCode:
    case Attr::kExitCause: {
      const auto* exit = std::get_if<events::ExitEvent>(event_);
      if (exit == nullptr) return Value::Int(0);
      std::uint32_t signal = exit->exit_signal();
      if (attr == Attr::kExitCode) {
        return Value::Int(signal == 0 ? exit->exit_status() : signal);
      }
      std::uint32_t status = static_cast<std::uint32_t>(exit->exit_code);
      if (signal == 0) return Value::Int(kExitExited);
      return Value::Int((status & 0x80) != 0 ? kExitCoredumped : kExitSignaled);
    }
    default:
      return Value::Zero(secl::ScalarType::kBool);
  }
}

std::span<const std::string> EventView::ArrayOf(secl::FieldId field, std::uint32_t element) const {
  const FieldEntry& entry = catalogue_.entry(field);
  if (event_ == nullptr) return {};
  if (entry.binding.attr == Attr::kEventRuleTags) return rule_tags_;
  std::size_t slot = 0;
  const proc::Process* image = Resolve(entry.binding, element, slot);
  if (image == nullptr) return {};
  switch (entry.binding.attr) {
    case Attr::kArgv:
      if (image->argv.size() <= 1) return {};
      return std::span<const std::string>(image->argv.strings()).subspan(1);
    case Attr::kEnvp:
      return image->envp.strings();
    case Attr::kEnvs: {
      Derived& derived = DerivedFor(*image, slot);
      if (!derived.env_names) derived.env_names = EnvironmentNames(image->envp);
      return *derived.env_names;
    }
    case Attr::kArgsFlags:
    case Attr::kArgsOptions: {
      Derived& derived = DerivedFor(*image, slot);
      if (!derived.flags_and_options) {
        derived.flags_and_options = DeriveArgsFlagsAndOptions(image->argv);
      }
      return entry.binding.attr == Attr::kArgsFlags ? derived.flags_and_options->flags
                                                    : derived.flags_and_options->options;
    }
    default:
      return {};
  }
}

std::size_t EventView::ArrayLength(secl::FieldId field, std::uint32_t element) const {
  return ArrayOf(field, element).size();
}

secl::Value EventView::GetAt(secl::FieldId field, std::uint32_t element, std::size_t index) const {
  std::span<const std::string> items = ArrayOf(field, element);
  if (index >= items.size()) return secl::Value::Zero(catalogue_.entry(field).info.type);
  return secl::Value::String(items[index]);
}

std::size_t EventView::IteratorLength(secl::IteratorId iterator) const {
  return iterator == catalogue_.ancestors_iterator() ? Ancestors().size() : 0;
}

std::size_t EventView::LineageKeyHash::operator()(const LineageKey& key) const {
  std::size_t hash = std::hash<const void*>{}(key.image);
  hash = hash * 0x9e3779b97f4a7c15ULL + std::hash<const void*>{}(key.matcher);
  return hash * 0x9e3779b97f4a7c15ULL + key.field;
}

bool EventView::AncestorMatches(const FieldEntry& entry, const match::StringMatcher& matcher,
                                const proc::Process& ancestor, std::size_t index) const {
  secl::Value value = ProcessValue(entry.binding.attr, ancestor, 1 + index, entry.binding.file);
  if (value.type != entry.info.type) value = secl::Value::Zero(entry.info.type);
  return matcher.Matches(value.string_value);
}

bool EventView::AnyBoundAncestorMatches(const FieldEntry& entry,
                                        const match::StringMatcher& matcher) const {
  const std::vector<const proc::Process*>& ancestors = Ancestors();
  for (std::size_t i = 0; i < ancestors.size(); ++i) {
    if (AncestorMatches(entry, matcher, *ancestors[i], i)) return true;
  }
  return false;
}

bool EventView::AnyElementMatches(secl::FieldId field, secl::IteratorId iterator,
                                  const match::StringMatcher& matcher) const {
  const FieldEntry& entry = catalogue_.entry(field);
  if (event_ == nullptr || iterator != catalogue_.ancestors_iterator() ||
      entry.binding.target != Target::kAncestor) {
    return FieldSource::AnyElementMatches(field, iterator, matcher);
  }
  // A chain longer than kMaxAncestors is not the whole lineage: walk what is
  // bound.
  if (!lineage_memo_enabled_ || !IsImageString(entry.binding.attr) || image_ == nullptr ||
      !LineageKnownShort()) {
    return AnyBoundAncestorMatches(entry, matcher);
  }
  // The nearest ancestor whose verdict is remembered answers for itself and
  // everything above it; the images below it are tested once and remembered.
  // A fork copy's image strings are its lineage parent's (the next image up),
  // so its verdict is that one: it is neither tested nor remembered. Only
  // the images up to the remembered one are visited.
  unremembered_.clear();
  bool matched = false;
  for (const proc::Process* ancestor = image_->lineage_parent.get(); ancestor != nullptr;
       ancestor = ancestor->lineage_parent.get()) {
    if (unremembered_.size() == kMaxAncestors) {
      // The depth bound was wrong (an image linked outside the tree): the
      // bounded walk answers, as it would have without the memo.
      return AnyBoundAncestorMatches(entry, matcher);
    }
    if (!ancestor->copies_lineage_parent()) {
      auto it = lineage_memo_.find(LineageKey{ancestor, &matcher, field});
      if (it != lineage_memo_.end()) {
        matched = it->second.image_or_above_matches;
        break;
      }
    }
    unremembered_.push_back(ancestor);
  }
  if (lineage_memo_.size() + unremembered_.size() > kMaxLineageMemoEntries) lineage_memo_.clear();
  for (std::size_t i = unremembered_.size(); i-- > 0;) {
    const proc::Process& ancestor = *unremembered_[i];
    if (ancestor.copies_lineage_parent()) continue;
    matched = matched || AncestorMatches(entry, matcher, ancestor, i);
    // An image not owned by a shared_ptr cannot be pinned, so it is not
    // remembered (its address might be reused).
    std::weak_ptr<const proc::Process> pin = ancestor.weak_from_this();
    if (pin.expired()) continue;
    lineage_memo_.emplace(LineageKey{&ancestor, &matcher, field},
                          LineageVerdict{matched, std::move(pin)});
  }
  return matched;
}

}  // namespace picket::fields
