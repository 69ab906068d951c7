// SharedStringList: an immutable list of strings (argv, envp) that process
// images share instead of copying. A fork makes the child's image a copy of
// the parent's, and an exec'd image keeps its pre-exec image alive as its
// lineage parent, so without sharing every fork would copy the parent's
// whole command line and environment (Python's argv, a shell's environment)
// and every live process would hold it twice.
//
// Reads look like a const std::vector<std::string> (iteration, size,
// indexing, implicit conversion); writes replace the whole list. Copies
// share one allocation; the reference count is atomic, so an image copied to
// another thread stays valid there.

#ifndef PICKET_PROC_SHARED_STRING_LIST_H_
#define PICKET_PROC_SHARED_STRING_LIST_H_

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace picket::proc {

class SharedStringList {
 public:
  using value_type = std::string;
  using const_iterator = std::vector<std::string>::const_iterator;
  using iterator = const_iterator;
  using size_type = std::size_t;

  SharedStringList() = default;
  // Implicit: images are filled from the vectors events carry.
  SharedStringList(std::vector<std::string> strings)  // NOLINT(google-explicit-constructor)
      : strings_(strings.empty()
                     ? nullptr
                     : std::make_shared<const std::vector<std::string>>(std::move(strings))) {}
  SharedStringList(std::initializer_list<std::string> strings)
      : SharedStringList(std::vector<std::string>(strings)) {}

  const std::vector<std::string>& strings() const { return strings_ ? *strings_ : Empty(); }
  operator const std::vector<std::string>&() const {  // NOLINT(google-explicit-constructor)
    return strings();
  }

  const_iterator begin() const { return strings().begin(); }
  const_iterator end() const { return strings().end(); }
  std::size_t size() const { return strings_ ? strings_->size() : 0; }
  bool empty() const { return size() == 0; }
  const std::string& operator[](std::size_t i) const { return (*strings_)[i]; }
  const std::string& front() const { return strings_->front(); }
  const std::string& back() const { return strings_->back(); }

  friend bool operator==(const SharedStringList& a, const SharedStringList& b) {
    return a.strings_ == b.strings_ || a.strings() == b.strings();
  }
  friend bool operator==(const SharedStringList& a, const std::vector<std::string>& b) {
    return a.strings() == b;
  }

 private:
  static const std::vector<std::string>& Empty() {
    static const std::vector<std::string> empty;
    return empty;
  }

  std::shared_ptr<const std::vector<std::string>> strings_;  // null when empty
};

}  // namespace picket::proc

#endif  // PICKET_PROC_SHARED_STRING_LIST_H_
