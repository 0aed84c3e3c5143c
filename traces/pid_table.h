// Per-task state by pid, for the mainline checker (traces/trace_check_mainline.h), which looks a
// task up on nearly every event. Pids below pid_max's default (PID_MAX_DEFAULT, 32768,
// include/linux/threads.h) sit in a flat table grown to the largest one seen: a lookup is an
// index, not a hash and a division. Larger pids (pid_max may be raised to 4194304) and negative
// ones go to a hash map, so memory stays bounded by live tasks there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace sbm {

template <class T>
class PidTable {
 public:
  static constexpr int kFlatPids = 32768;

  // The task's state, a default T when it was not there.
  T& operator[](int pid) {
    if (!flat(pid)) return rest_[pid];
    const auto i = static_cast<std::size_t>(pid);
    if (i >= flat_.size()) {
      flat_.resize(i + 1);
      present_.resize(i + 1, 0);
    }
    if (!present_[i]) {
      flat_[i] = T{};
      present_[i] = 1;
    }
    return flat_[i];
  }

  // Null when the task is not there.
  T* find(int pid) {
    if (!flat(pid)) {
      const auto it = rest_.find(pid);
      return it == rest_.end() ? nullptr : &it->second;
    }
    const auto i = static_cast<std::size_t>(pid);
    return i < flat_.size() && present_[i] ? &flat_[i] : nullptr;
  }

  // The task that must be there (a pid the caller holds in a list of present tasks).
  const T& at(int pid) {
    if (const T* t = find(pid)) return *t;
    throw std::out_of_range("PidTable::at: no task " + std::to_string(pid));
  }

  void erase(int pid) {
    if (!flat(pid))
      rest_.erase(pid);
    else if (static_cast<std::size_t>(pid) < present_.size())
      present_[static_cast<std::size_t>(pid)] = 0;
  }

  void clear() {
    flat_.clear();
    present_.clear();
    rest_.clear();
  }

 private:
  static bool flat(int pid) {
    return static_cast<unsigned>(pid) < static_cast<unsigned>(kFlatPids);
  }

  std::vector<T> flat_;
  std::vector<uint8_t> present_;
  std::unordered_map<int, T> rest_;
};

}  // namespace sbm
