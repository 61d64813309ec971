// The thread team on its own: every partition runs exactly once per phase whatever the thread that
// claims it, an exception thrown in a phase reaches the caller after the phase completes and the
// team runs on, and partitions that no oneTBB task claims are run by the caller.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <tbb/task_arena.h>

#include <spikeforge/engine/threads.hpp>

namespace {

using spikeforge::engine::ThreadTeam;

/// runs[phase * P + p]: how often partition p ran in phase `phase`.
struct Counts {
  Counts(std::size_t phases, std::size_t parts) : parts(parts), runs(phases * parts) {}
  std::size_t parts;
  std::vector<std::atomic<int>> runs;
  void expect_once_each(std::size_t phases, const std::string& what) const {
    for (std::size_t ph = 0; ph < phases; ++ph) {
      for (std::size_t p = 0; p < parts; ++p) {
        ASSERT_EQ(runs[ph * parts + p].load(), 1)
            << what << ": partition " << p << " of phase " << ph << " ran " << runs[ph * parts + p].load()
            << " times, expected exactly 1";
      }
    }
  }
};

TEST(ThreadTeam, EveryPartitionRunsExactlyOncePerPhase) {
  for (std::size_t parts : {1u, 2u, 3u, 5u}) {
    ThreadTeam team(parts);
    constexpr std::size_t kPhases = 200;
    Counts counts(kPhases, parts);
    team.run([&] {
      for (std::size_t ph = 0; ph < kPhases; ++ph) {
        team.phase([&](std::size_t p) { ++counts.runs[ph * parts + p]; }, false);
      }
    });
    counts.expect_once_each(kPhases, std::to_string(parts) + " partitions");
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    EXPECT_GE(team.threads_seen(), 1u);
    EXPECT_LE(team.threads_seen(), std::min(parts, cores))
        << parts << " partitions: more threads than runners (min(P, cores)) ran partitions";
  }
}

TEST(ThreadTeam, OnePartitionRunsInlineWithoutRun) {
  ThreadTeam team(1);
  int runs = 0;
  std::thread::id ran_on;
  team.phase([&](std::size_t p) { runs += static_cast<int>(p) + 1; ran_on = std::this_thread::get_id(); }, true);
  EXPECT_EQ(runs, 1) << "partition 0 must run once";
  EXPECT_EQ(ran_on, std::this_thread::get_id()) << "one partition runs on the calling thread";
  EXPECT_EQ(team.threads_seen(), 1u);
  EXPECT_GE(team.partition_seconds().at(0), 0.0);
}

TEST(ThreadTeam, AnExceptionInAPhaseReachesTheCallerAndTheTeamRunsOn) {
  constexpr std::size_t kParts = 4, kPhases = 6, kThrowing = 2;
  ThreadTeam team(kParts);
  Counts counts(kPhases, kParts);
  std::vector<std::string> caught;
  team.run([&] {
    for (std::size_t ph = 0; ph < kPhases; ++ph) {
      try {
        team.phase(
            [&](std::size_t p) {
              ++counts.runs[ph * kParts + p];
              if (ph == kThrowing && p == 1) throw std::runtime_error("partition 1 failed");
            },
            false);
      } catch (const std::runtime_error& e) {
        caught.push_back(std::to_string(ph) + ": " + e.what());
      }
    }
  });
  // The throwing phase still ran every partition once; every later phase too.
  counts.expect_once_each(kPhases, "phases around a throwing partition");
  ASSERT_EQ(caught.size(), 1u) << "exactly one phase threw";
  EXPECT_EQ(caught[0], "2: partition 1 failed");

  // Uncaught, it ends run(); the team runs the next run() normally.
  EXPECT_THROW(team.run([&] { team.phase([](std::size_t p) { if (p == 3) throw std::logic_error("3"); }, false); }),
               std::logic_error);
  Counts after(1, kParts);
  team.run([&] { team.phase([&](std::size_t p) { ++after.runs[p]; }, false); });
  after.expect_once_each(1, "the run after an uncaught exception");
}

TEST(ThreadTeam, PartitionsNoTaskClaimsAreRunByTheCaller) {
  // An arena of two runners whose both slots are reserved for callers: no oneTBB worker can enter,
  // so the second runner's task never starts and the caller must take over its partitions (1 and 3)
  // in every phase, after its wait.
  tbb::task_arena arena(2, 2);
  constexpr std::size_t kParts = 4, kPhases = 3;  // each phase waits a few thousand spins first
  ThreadTeam team(kParts, arena);
  Counts counts(kPhases, kParts);
  std::mutex mutex;
  std::vector<std::thread::id> threads;
  team.run([&] {
    for (std::size_t ph = 0; ph < kPhases; ++ph) {
      team.phase(
          [&](std::size_t p) {
            ++counts.runs[ph * kParts + p];
            std::lock_guard lock(mutex);
            threads.push_back(std::this_thread::get_id());
          },
          false);
    }
  });
  counts.expect_once_each(kPhases, "caller taking over");
  ASSERT_EQ(threads.size(), kParts * kPhases);
  for (std::size_t k = 0; k < threads.size(); ++k) {
    ASSERT_EQ(threads[k], std::this_thread::get_id()) << "partition run " << k << " ran on another thread";
  }
  EXPECT_EQ(team.threads_seen(), 1u);
}

}  // namespace
