#include "base/user_names.h"

#include <grp.h>
#include <pwd.h>

#include <vector>

#include "base/clock.h"

namespace picket {

UserNames::UserNames(std::uint64_t max_age_ns, std::size_t max_entries)
    : max_age_ns_(max_age_ns), max_entries_(max_entries) {}

const std::string& UserNames::User(std::uint32_t uid) { return Lookup(users_, uid, true); }
const std::string& UserNames::Group(std::uint32_t gid) { return Lookup(groups_, gid, false); }

const std::string& UserNames::Lookup(std::unordered_map<std::uint32_t, Entry>& cache,
                                     std::uint32_t id, bool is_user) {
  std::uint64_t now = MonotonicNs();
  auto it = cache.find(id);
  if (it != cache.end() && now - it->second.resolved_at_ns < max_age_ns_) return it->second.name;
  if (it == cache.end() && cache.size() >= max_entries_) cache.clear();

  std::string name;
  std::vector<char> buffer(1024);
  for (int attempt = 0; attempt < 6; ++attempt) {
    int rc = 0;
    if (is_user) {
      passwd entry{};
      passwd* found = nullptr;
      rc = getpwuid_r(id, &entry, buffer.data(), buffer.size(), &found);
      if (rc == 0 && found != nullptr) name = found->pw_name;
    } else {
      group entry{};
      group* found = nullptr;
      rc = getgrgid_r(id, &entry, buffer.data(), buffer.size(), &found);
      if (rc == 0 && found != nullptr) name = found->gr_name;
    }
    if (rc != ERANGE) break;
    buffer.resize(buffer.size() * 4);
  }
  Entry& entry = cache[id];
  entry.name = std::move(name);
  entry.resolved_at_ns = now;
  return entry.name;
}

}  // namespace picket
