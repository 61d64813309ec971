// Recorded data handed to NumPy without copying: a store adopts the engine's buffer, grows
// without moving memory any live array points into, and hands out read-only views over it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

namespace spikeforge::python {

/// Read-only NumPy array of `shape` over `data`, keeping `owner` alive as its base.
template <class T, class Owner>
pybind11::array_t<T> view_of(std::shared_ptr<Owner> owner, const T* data, std::vector<pybind11::ssize_t> shape) {
  // The capsule owns a shared_ptr copy, so the buffer lives exactly as long as some view of it.
  auto* keep = new std::shared_ptr<Owner>(std::move(owner));
  pybind11::capsule base(keep, [](void* p) { delete static_cast<std::shared_ptr<Owner>*>(p); });
  pybind11::array_t<T> a(shape, data, base);
  a.attr("flags").attr("writeable") = false;
  return a;
}

/// A vector taken over from the engine as a NumPy array (no copy): the array owns the buffer.
template <class T>
pybind11::array_t<T> adopt(std::vector<T>&& v) {
  auto owner = std::make_shared<std::vector<T>>();
  owner->swap(v);
  const auto n = static_cast<pybind11::ssize_t>(owner->size());
  if (n == 0) return pybind11::array_t<T>(0);
  const T* data = owner->data();
  return view_of<T>(std::move(owner), data, {n});
}

/// The growing record of one quantity. Views cover the first `size()` elements of the buffer at
/// the time they are taken. Appending writes only past that end, and when the buffer would have
/// to reallocate while views are alive, a new buffer is started instead: the old one lives on
/// inside the views that use it, so no handed-out array ever changes or dangles.
template <class T>
class RecordStore {
public:
  /// Moves the engine's freshly recorded elements in; leaves `fresh` empty (capacity kept when
  /// the data had to be copied, so the engine reuses it).
  void append(std::vector<T>& fresh) {
    if (fresh.empty()) return;
    if (!buf_ || buf_->empty()) {
      // First data since the start or a reset: take the engine's buffer itself.
      buf_ = std::make_shared<std::vector<T>>();
      buf_->swap(fresh);
      return;
    }
    const std::size_t need = buf_->size() + fresh.size();
    if (need <= buf_->capacity() || buf_.use_count() == 1) {
      buf_->insert(buf_->end(), fresh.begin(), fresh.end());
    } else {
      auto next = std::make_shared<std::vector<T>>();
      next->reserve(std::max(need, 2 * buf_->capacity()));
      next->insert(next->end(), buf_->begin(), buf_->end());
      next->insert(next->end(), fresh.begin(), fresh.end());
      buf_ = std::move(next);
    }
    fresh.clear();
  }

  /// Appends copies of `n` elements (used for data the engine keeps in nested vectors).
  void append_copy(const T* data, std::size_t n) {
    std::vector<T> tmp(data, data + n);
    append(tmp);
  }

  std::size_t size() const noexcept { return buf_ ? buf_->size() : 0; }
  const T* data() const noexcept { return buf_ ? buf_->data() : nullptr; }

  /// Forgets everything (after a reset); live views keep their buffer.
  void clear() { buf_.reset(); }

  /// Read-only view of everything stored, reshaped to `rows` x `cols` (cols = 0: 1-D).
  pybind11::array_t<T> view(std::size_t cols = 0) const {
    const std::size_t n = size();
    if (cols == 0) {
      if (n == 0) return pybind11::array_t<T>(0);
      return view_of<T>(buf_, buf_->data(), {static_cast<pybind11::ssize_t>(n)});
    }
    const auto rows = static_cast<pybind11::ssize_t>(n / cols);
    if (n == 0) return pybind11::array_t<T>(std::vector<pybind11::ssize_t>{0, static_cast<pybind11::ssize_t>(cols)});
    return view_of<T>(buf_, buf_->data(), {rows, static_cast<pybind11::ssize_t>(cols)});
  }

private:
  std::shared_ptr<std::vector<T>> buf_;
};

}  // namespace spikeforge::python
