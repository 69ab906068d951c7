// FileHasher: the `hash` action (spec §14.4). SHA-256 and SHA-1 of an
// executed file (OpenSSL EVP), cached by (dev, inode, mtime, size) so a
// binary run a thousand times is read once, with a size cap and a token
// bucket on the number of files actually read per second, because hashing
// sits on the pipeline thread and an attacker controls how many distinct
// files get executed.
//
// The file is opened through /proc/<pid>/root when the pid is still alive, so
// a path inside a container resolves in that container's mount namespace.

#ifndef PICKET_ENGINE_FILE_HASHER_H_
#define PICKET_ENGINE_FILE_HASHER_H_

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace picket::engine {

enum class HashState {
  kDone,
  kCached,       // served from the cache, no read
  kRateLimited,  // too many distinct files this second; not read
  kTooBig,       // larger than max_file_size
  kNotFound,     // gone (deleted, exited process, memfd)
  kError,        // read error
};

std::string_view HashStateName(HashState state);

struct FileHashes {
  HashState state = HashState::kError;
  std::string sha256;  // lowercase hex; "" unless done/cached
  std::string sha1;
};

struct FileHasherOptions {
  std::uint64_t max_file_size = 5ULL << 20;  // spec default 5 MiB
  std::uint32_t max_reads_per_second = 50;
  std::size_t cache_entries = 1024;
  std::string proc_root = "/proc";
};

class FileHasher {
 public:
  explicit FileHasher(FileHasherOptions options = {});

  // `now_ns` drives the read budget (monotonic or event time).
  FileHashes Hash(std::string_view path, std::uint32_t pid, std::uint64_t now_ns);

  std::uint64_t files_read() const { return files_read_; }

 private:
  struct CacheKey {
    std::uint64_t dev = 0, inode = 0, mtime_ns = 0, size = 0;
    bool operator==(const CacheKey&) const = default;
  };
  struct CacheKeyHash {
    std::size_t operator()(const CacheKey& k) const;
  };
  struct CacheEntry {
    FileHashes hashes;
    std::list<CacheKey>::iterator lru_position;
  };

  bool TakeReadToken(std::uint64_t now_ns);

  FileHasherOptions options_;
  std::unordered_map<CacheKey, CacheEntry, CacheKeyHash> cache_;
  std::list<CacheKey> lru_;
  double tokens_;
  std::uint64_t last_refill_ns_ = 0;
  std::uint64_t files_read_ = 0;
};

}  // namespace picket::engine

#endif  // PICKET_ENGINE_FILE_HASHER_H_
