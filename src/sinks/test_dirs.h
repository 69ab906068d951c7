// Scratch directories for sink tests: a fresh directory per test, and (as
// root) a small tmpfs mounted on it to make "disk full" and "read-only"
// real. Test-only.

#ifndef PICKET_SINKS_TEST_DIRS_H_
#define PICKET_SINKS_TEST_DIRS_H_

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace picket::sinks::testing {

class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("picket-sinks-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
             info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  // Mounts a tmpfs with `options` (e.g. "size=256k" or "ro,size=64k") on the
  // directory. Returns "" on success, else why it could not (not root, no
  // mount permission in this container): the caller skips with that reason.
  std::string MountTmpfs(const std::string& options) {
    if (::geteuid() != 0) return "needs root to mount a tmpfs";
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      return std::string("mount -t tmpfs -o ") + options + " failed: " + std::strerror(errno);
    }
    mounted_ = true;
    return "";
  }

  // Re-mounts the tmpfs read-only (after files were created on it).
  std::string RemountReadOnly() {
    if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
      return std::string("remount read-only failed: ") + std::strerror(errno);
    }
    return "";
  }

 private:
  std::filesystem::path path_;
  bool mounted_ = false;
};

}  // namespace picket::sinks::testing

#endif  // PICKET_SINKS_TEST_DIRS_H_
