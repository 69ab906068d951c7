// UserNames: uid/gid → name lookups (getpwuid_r/getgrgid_r) with a small
// cache, because every signal and many rules (process.user) ask for the same
// few ids. Unknown ids resolve to "" (SECL's zero value), never an error.
//
// Thread-compatible: one instance per thread (the pipeline owns one).

#ifndef PICKET_BASE_USER_NAMES_H_
#define PICKET_BASE_USER_NAMES_H_

#include <cstdint>
#include <string>
#include <unordered_map>

namespace picket {

class UserNames {
 public:
  // Entries are re-resolved after `max_age_ns` (accounts do change), and the
  // cache is cleared when it reaches `max_entries`.
  explicit UserNames(std::uint64_t max_age_ns = 60'000'000'000ULL, std::size_t max_entries = 4096);

  const std::string& User(std::uint32_t uid);
  const std::string& Group(std::uint32_t gid);

 private:
  struct Entry {
    std::string name;
    std::uint64_t resolved_at_ns = 0;
  };
  const std::string& Lookup(std::unordered_map<std::uint32_t, Entry>& cache, std::uint32_t id,
                            bool is_user);

  std::uint64_t max_age_ns_;
  std::size_t max_entries_;
  std::unordered_map<std::uint32_t, Entry> users_;
  std::unordered_map<std::uint32_t, Entry> groups_;
};

}  // namespace picket

#endif  // PICKET_BASE_USER_NAMES_H_
