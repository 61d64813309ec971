// The engine's thread team: P partition tasks per phase, run by the calling thread and up to R - 1
// oneTBB tasks that stay alive for one run() and meet at each phase through atomics (docs/engine.md).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#if defined(__SANITIZE_THREAD__)
#define SPIKEFORGE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SPIKEFORGE_TSAN 1
#endif
#endif
#if defined(SPIKEFORGE_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace spikeforge::engine {

/// CPU time of the calling thread in seconds: unlike wall time it does not count the time the
/// thread was preempted, so the statistics stay meaningful on a loaded machine.
double thread_cpu_seconds() noexcept;

/// The arena shared by every team of `parts` partitions in the process (one per concurrency
/// min(parts, cores)).
tbb::task_arena& shared_arena(std::size_t parts);

/// Tells ThreadSanitizer about the team's hand-offs through oneTBB. Debian's libtbb is not built
/// with TSan, so the release/acquire pair inside it that orders a task's construction on the
/// calling thread before its execution on a worker (and a worker's last writes before
/// task_group::wait returns) is invisible to it; these two calls state that order on the team's
/// own addresses. Without TSan they are empty.
#if defined(SPIKEFORGE_TSAN)
inline void tsan_release(void* address) noexcept { __tsan_release(address); }
inline void tsan_acquire(void* address) noexcept { __tsan_acquire(address); }
#else
inline void tsan_release(void*) noexcept {}
inline void tsan_acquire(void*) noexcept {}
#endif
/// The address every team's hand-off is stated on: a task must acquire before it reads its own
/// captures, so it cannot be an address the captures hold.
inline void* tsan_handoff() noexcept {
  static char address;
  return &address;
}

/// During run() the calling thread and up to R - 1 oneTBB tasks in the team's arena form a team:
/// they stay alive for the whole call and meet at each phase through atomics (a spin, then yield,
/// wait of well under a microsecond when the threads are running), where a oneTBB parallel_for per
/// phase woke sleeping workers each time. A phase is P partition tasks; runner r claims its own
/// (p mod R == r) first; the caller takes any that no runner claimed after a while, so the phase
/// completes even when a task never starts or a thread is descheduled. A partition's result must
/// not depend on the thread that runs it.
class ThreadTeam {
public:
  /// A team of `parts` partitions in the process's shared arena for that concurrency.
  explicit ThreadTeam(std::size_t parts) : ThreadTeam(parts, shared_arena(parts)) {}
  /// The same in `arena` (which must outlive the team): up to arena.max_concurrency() runners.
  ThreadTeam(std::size_t parts, tbb::task_arena& arena);
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  std::size_t parts() const noexcept { return parts_; }

  /// Calls `serial()` with the team alive: phase() may be called from it. With P = 1 it is called
  /// directly (no arena, no task). An exception from `serial` stops the team and propagates.
  template <class F>
  void run(F&& serial);

  /// One phase: body(p) for every partition p exactly once, on any thread of the team; returns when
  /// all are done and rethrows the first exception a partition threw (the others still ran). With
  /// P > 1 only inside run(); with P = 1 inline on the calling thread. `clocks`: measure each
  /// partition's thread CPU time (partition_seconds()).
  template <class F>
  void phase(F&& body, bool clocks);

  /// Per partition: its thread CPU time in the last phase measured with clocks.
  const std::vector<double>& partition_seconds() const noexcept { return seconds_; }
  /// Distinct OS threads that have run partitions since construction.
  std::size_t threads_seen() const;

private:
  // Each on its own cache line: the threads write them from different cores.
  struct alignas(64) Claim {
    std::atomic<std::uint64_t> phase{0};
  };

  static void relax(std::size_t& spins) noexcept;
  bool try_run(std::size_t p, std::uint64_t ph) noexcept;
  void worker(std::size_t r, std::uint64_t seen_phase) noexcept;
  void run_phase(void (*task)(void*, std::size_t), void* context);
  void note_thread(std::size_t part);

  /// The oneTBB task of runner r. Its copy inside the task object is made on the calling thread
  /// and ends by releasing tsan_handoff(); the call starts by acquiring it, before it reads a
  /// capture. (Empty without TSan.)
  struct Runner {
    ThreadTeam* team;
    std::size_t r;
    std::uint64_t start;
    Runner(ThreadTeam* t, std::size_t runner, std::uint64_t s) noexcept : team(t), r(runner), start(s) {
      tsan_release(tsan_handoff());
    }
    Runner(const Runner& o) noexcept : team(o.team), r(o.r), start(o.start) { tsan_release(tsan_handoff()); }
    Runner& operator=(const Runner&) = delete;
    void operator()() const {
      tsan_acquire(tsan_handoff());
      team->worker(r, start);
      tsan_release(&team->stop_);
    }
  };

  tbb::task_arena& arena_;
  mutable std::mutex mutex_;
  std::vector<std::thread::id> last_;  // per partition: the thread that ran it last
  std::vector<std::thread::id> seen_;
  std::vector<double> seconds_;        // per partition: time inside the current phase

  std::unique_ptr<Claim[]> claimed_;                 // per partition: the phase that claimed it
  alignas(64) std::atomic<std::uint64_t> phase_{0};  // published phase number (0: none yet)
  alignas(64) std::atomic<std::size_t> done_{0};     // partitions finished in the current phase
  alignas(64) std::atomic<bool> stop_{false};
  void (*task_)(void*, std::size_t) = nullptr;  // the current phase's partition task
  void* context_ = nullptr;
  std::size_t parts_ = 1, runners_ = 1;
  std::mutex error_mutex_;
  std::exception_ptr error_;  // the first exception a partition task threw in this phase
};

template <class F>
void ThreadTeam::run(F&& serial) {
  if (parts_ == 1) {
    serial();
    return;
  }
  // The caller runs the serial parts and its share of each phase; R - 1 oneTBB tasks run the rest.
  runners_ = std::min<std::size_t>(parts_, static_cast<std::size_t>(std::max(1, arena_.max_concurrency())));
  stop_.store(false, std::memory_order_relaxed);
  arena_.execute([&] {
    tbb::task_group tasks;
    const std::uint64_t start = phase_.load(std::memory_order_relaxed);
    for (std::size_t r = 1; r < runners_; ++r) tasks.run(Runner{this, r, start});
    try {
      serial();
    } catch (...) {
      stop_.store(true, std::memory_order_release);
      tasks.wait();
      tsan_acquire(&stop_);
      throw;
    }
    stop_.store(true, std::memory_order_release);
    tasks.wait();
    tsan_acquire(&stop_);
  });
}

template <class F>
void ThreadTeam::phase(F&& body, bool clocks) {
  auto run_part = [&](std::size_t part) {
    const double start = clocks ? thread_cpu_seconds() : 0.0;
    if (last_[part] != std::this_thread::get_id()) note_thread(part);
    body(part);
    if (clocks) seconds_[part] = thread_cpu_seconds() - start;
  };
  if (parts_ == 1) {  // inline: no arena, no task
    run_part(0);
    return;
  }
  using RunPart = decltype(run_part);
  run_phase([](void* c, std::size_t part) { (*static_cast<RunPart*>(c))(part); }, &run_part);
}

}  // namespace spikeforge::engine
