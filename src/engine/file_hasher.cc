#include "engine/file_hasher.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

namespace picket::engine {
namespace {

struct MdContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdContext = std::unique_ptr<EVP_MD_CTX, MdContextDeleter>;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string Hex(const unsigned char* digest, unsigned length) {
  std::string out;
  out.reserve(length * 2);
  for (unsigned i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

}  // namespace

std::string_view HashStateName(HashState state) {
  switch (state) {
    case HashState::kDone:
      return "done";
    case HashState::kCached:
      return "cached";
    case HashState::kRateLimited:
      return "rate_limited";
    case HashState::kTooBig:
      return "file_too_big";
    case HashState::kNotFound:
      return "file_not_found";
    case HashState::kError:
      return "error";
  }
  return "error";
}

std::size_t FileHasher::CacheKeyHash::operator()(const CacheKey& k) const {
  std::size_t h = std::hash<std::uint64_t>{}(k.inode);
  h ^= std::hash<std::uint64_t>{}(k.dev) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<std::uint64_t>{}(k.mtime_ns) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

FileHasher::FileHasher(FileHasherOptions options)
    : options_(std::move(options)), tokens_(options_.max_reads_per_second) {}

bool FileHasher::TakeReadToken(std::uint64_t now_ns) {
  if (now_ns > last_refill_ns_) {
    double refill = static_cast<double>(now_ns - last_refill_ns_) / 1e9 *
                    static_cast<double>(options_.max_reads_per_second);
    tokens_ = std::min<double>(options_.max_reads_per_second, tokens_ + refill);
    last_refill_ns_ = now_ns;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

FileHashes FileHasher::Hash(std::string_view path, std::uint32_t pid, std::uint64_t now_ns) {
  // Prefer the process's own view of the filesystem (containers).
  std::string via_proc = fmt::format("{}/{}/root{}", options_.proc_root, pid, path);
  int fd = pid != 0 ? open(via_proc.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
  if (fd < 0) fd = open(std::string(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileHashes{.state = HashState::kNotFound};
  FileDescriptor file(fd);

  struct stat st {};
  if (fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode)) return FileHashes{};
  CacheKey key{.dev = st.st_dev,
               .inode = st.st_ino,
               .mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ULL +
                           static_cast<std::uint64_t>(st.st_mtim.tv_nsec),
               .size = static_cast<std::uint64_t>(st.st_size)};
  if (auto it = cache_.find(key); it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru_position);
    FileHashes cached = it->second.hashes;
    cached.state = HashState::kCached;
    return cached;
  }
  if (key.size > options_.max_file_size) return FileHashes{.state = HashState::kTooBig};
  if (!TakeReadToken(now_ns)) return FileHashes{.state = HashState::kRateLimited};

  MdContext sha256(EVP_MD_CTX_new());
  MdContext sha1(EVP_MD_CTX_new());
  if (!sha256 || !sha1 || EVP_DigestInit_ex(sha256.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestInit_ex(sha1.get(), EVP_sha1(), nullptr) != 1) {
    return FileHashes{};
  }
  std::vector<unsigned char> buffer(64 * 1024);
  for (;;) {
    ssize_t n = read(file.get(), buffer.data(), buffer.size());
    if (n < 0) return FileHashes{};
    if (n == 0) break;
    EVP_DigestUpdate(sha256.get(), buffer.data(), static_cast<std::size_t>(n));
    EVP_DigestUpdate(sha1.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  ++files_read_;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  FileHashes hashes{.state = HashState::kDone};
  EVP_DigestFinal_ex(sha256.get(), digest, &length);
  hashes.sha256 = Hex(digest, length);
  EVP_DigestFinal_ex(sha1.get(), digest, &length);
  hashes.sha1 = Hex(digest, length);

  if (cache_.size() >= options_.cache_entries && !lru_.empty()) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(key);
  cache_.emplace(key, CacheEntry{.hashes = hashes, .lru_position = lru_.begin()});
  return hashes;
}

}  // namespace picket::engine
