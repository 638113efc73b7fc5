// The body of a weft thread: a move-only `void()` callable that keeps
// closures of up to kInlineBytes inline, so starting a weft::thread does not
// allocate. (absl::AnyInvocable keeps only 16 bytes inline: a lambda that
// captures three references, plus weft::thread's argument tuple, went to the
// heap in every execution.) Larger closures still work, on the heap.
//
//   ThreadFn fn = [&x, &m, &flag] { ... };
//   fn();
//   fn = nullptr;  // destroys the closure
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace weft::detail {

class ThreadFn {
 public:
  static constexpr std::size_t kInlineBytes = 64;

  ThreadFn() noexcept = default;
  ThreadFn(std::nullptr_t) noexcept {}

  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, ThreadFn> && std::is_invocable_v<std::decay_t<F>&>)
      ThreadFn(F&& f) {  // NOLINT: implicit, like std::function
    using D = std::decay_t<F>;
    if constexpr (fits_inline<D>()) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      *reinterpret_cast<D**>(storage_) = new D(std::forward<F>(f));
      ops_ = &kHeapOps<D>;
    }
  }

  ThreadFn(ThreadFn&& other) noexcept { take(other); }
  ThreadFn& operator=(ThreadFn&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  ThreadFn& operator=(std::nullptr_t) {
    reset();
    return *this;
  }
  ThreadFn(const ThreadFn&) = delete;
  ThreadFn& operator=(const ThreadFn&) = delete;
  ~ThreadFn() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  void operator()() { ops_->invoke(storage_); }

  // Forgets the closure without destroying it: for a thread lost to a stack
  // overflow, whose abandoned stack may still point into the closure.
  void leak() noexcept { ops_ = nullptr; }

 private:
  struct Ops {
    void (*invoke)(void* storage);
    void (*relocate)(void* from, void* to) noexcept;  // move-construct into `to`, destroy `from`
    void (*destroy)(void* storage);
  };

  template <typename D>
  static constexpr bool fits_inline() {
    // clang-tidy 14 sees two constants once D is known and calls the
    // comparison redundant; it is what the template is for.
    // NOLINTNEXTLINE(misc-redundant-expression)
    return sizeof(D) <= kInlineBytes && alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }

  template <typename D>
  static constexpr Ops kInlineOps = {
      [](void* s) { (*std::launder(static_cast<D*>(s)))(); },
      [](void* from, void* to) noexcept {
        D* f = std::launder(static_cast<D*>(from));
        ::new (to) D(std::move(*f));
        f->~D();
      },
      [](void* s) { std::launder(static_cast<D*>(s))->~D(); },
  };
  template <typename D>
  static constexpr Ops kHeapOps = {
      [](void* s) { (**static_cast<D**>(s))(); },
      [](void* from, void* to) noexcept { *static_cast<D**>(to) = *static_cast<D**>(from); },
      [](void* s) { delete *static_cast<D**>(s); },
  };

  void take(ThreadFn& other) noexcept {
    if (other.ops_ == nullptr) return;
    other.ops_->relocate(other.storage_, storage_);
    ops_ = std::exchange(other.ops_, nullptr);
  }
  void reset() {
    if (const Ops* ops = std::exchange(ops_, nullptr)) ops->destroy(storage_);
  }

  alignas(std::max_align_t) unsigned char storage_[kInlineBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace weft::detail
