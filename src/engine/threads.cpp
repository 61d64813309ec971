#include <spikeforge/engine/threads.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>

namespace spikeforge::engine {

double thread_cpu_seconds() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// One arena per concurrency for the whole process. oneTBB 2021 hands its worker threads to a
/// newly created arena only lazily after an earlier arena was destroyed (a second engine built
/// after the first ran single-handed), so teams share long-lived arenas instead. More partitions
/// than cores stay correct: the arena does not ask for threads that cannot run.
tbb::task_arena& shared_arena(std::size_t parts) {
  const int concurrency =
      static_cast<int>(std::min<std::size_t>(parts, std::max(1u, std::thread::hardware_concurrency())));
  static std::mutex mutex;
  static std::vector<std::pair<int, tbb::task_arena*>> arenas;  // never freed: live until exit
  std::lock_guard lock(mutex);
  for (const auto& [c, arena] : arenas) {
    if (c == concurrency) return *arena;
  }
  arenas.emplace_back(concurrency, new tbb::task_arena(concurrency));
  return *arenas.back().second;
}

ThreadTeam::ThreadTeam(std::size_t parts, tbb::task_arena& arena)
    : arena_(arena), last_(parts), seconds_(parts, 0.0), claimed_(std::make_unique<Claim[]>(parts)),
      parts_(parts) {}

std::size_t ThreadTeam::threads_seen() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

void ThreadTeam::note_thread(std::size_t part) {
  const std::thread::id self = std::this_thread::get_id();
  last_[part] = self;
  std::lock_guard lock(mutex_);
  if (std::find(seen_.begin(), seen_.end(), self) == seen_.end()) seen_.push_back(self);
}

/// One wait of a spinning thread: `pause` first (a meeting is usually over within a few hundred of
/// them), then yield the core, and after ~10^5 waits (a long serial part such as a slow modulator
/// callback, or more threads than free cores) sleep 50 us at a time.
void ThreadTeam::relax(std::size_t& spins) noexcept {
  if (++spins < 2048) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  } else if (spins < 100000) {
    std::this_thread::yield();
  } else {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

/// Runs partition p of phase `ph` unless another runner has claimed it.
bool ThreadTeam::try_run(std::size_t p, std::uint64_t ph) noexcept {
  std::uint64_t v = claimed_[p].phase.load(std::memory_order_acquire);
  if (v >= ph || !claimed_[p].phase.compare_exchange_strong(v, ph, std::memory_order_acq_rel)) return false;
  try {
    task_(context_, p);
  } catch (...) {
    std::lock_guard lock(error_mutex_);
    if (!error_) error_ = std::current_exception();
  }
  done_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

/// A oneTBB task's loop: wait for each new phase, run this runner's partitions.
void ThreadTeam::worker(std::size_t r, std::uint64_t seen_phase) noexcept {
  for (;;) {
    std::size_t spins = 0;
    std::uint64_t ph = phase_.load(std::memory_order_acquire);
    while (ph == seen_phase) {
      if (stop_.load(std::memory_order_acquire)) return;
      relax(spins);
      ph = phase_.load(std::memory_order_acquire);
    }
    seen_phase = ph;
    for (std::size_t p = r; p < parts_; p += runners_) try_run(p, ph);
  }
}

/// The caller's part of a phase: publish it, run its own partitions, take over unclaimed ones
/// after a while, wait for all.
void ThreadTeam::run_phase(void (*task)(void*, std::size_t), void* context) {
  task_ = task;
  context_ = context;
  done_.store(0, std::memory_order_relaxed);
  const std::uint64_t ph = phase_.load(std::memory_order_relaxed) + 1;
  phase_.store(ph, std::memory_order_release);
  for (std::size_t p = 0; p < parts_; p += runners_) try_run(p, ph);
  std::size_t spins = 0;
  while (done_.load(std::memory_order_acquire) < parts_) {
    if (spins > 4096) {
      for (std::size_t p = 0; p < parts_; ++p) try_run(p, ph);
    }
    relax(spins);
  }
  if (error_) {
    std::exception_ptr e = error_;
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

}  // namespace spikeforge::engine
