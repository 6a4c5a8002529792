// A real ledgerd (LEDGERD_BINARY) as a child process, for tests that need the
// binary itself: crash recovery, what it prints, how it exits; and RunToExit
// for a command that runs to its end (ledgerctl).
//
// Output: the child's stdout (and its stderr if `capture_stderr`) is read for
//   LISTENING=<port> and kept (the first output_bytes_max bytes) for output();
//   a thread keeps draining it so that the child never blocks on a full pipe.
// Lifetime: the destructor kills a child that is still running.
// Threading: one owner thread; output() may be called from any thread.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "events/status.h"

namespace ledger::testing {

class LedgerdProcess {
 public:
  // Starts ledgerd with `args` and waits until it prints LISTENING=<port>, it
  // closes its output (it exited), or startup_timeout_ms passes; port() is 0
  // in the last two cases.
  explicit LedgerdProcess(const std::vector<std::string>& args, bool capture_stderr = false,
                          int startup_timeout_ms = 60'000) {
    // argv is built before fork: between fork and exec only async-signal-safe
    // calls are allowed in a multithreaded parent.
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(LEDGERD_BINARY));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int out[2];
    LEDGER_ASSERT(pipe2(out, O_CLOEXEC) == 0);
    pid_ = fork();
    LEDGER_ASSERT(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      if (capture_stderr) dup2(out[1], STDERR_FILENO);
      execv(LEDGERD_BINARY, argv.data());
      _exit(127);
    }
    close(out[1]);
    fd_ = out[0];
    ReadUntilListening(std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(startup_timeout_ms));
    // Keep draining the output so the child never blocks on a full pipe.
    drain_ = std::thread([this] {
      char buf[4096];
      for (ssize_t n; (n = read(fd_, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        Keep(buf, static_cast<size_t>(n));
      }
    });
  }
  LedgerdProcess(const LedgerdProcess&) = delete;
  LedgerdProcess& operator=(const LedgerdProcess&) = delete;
  ~LedgerdProcess() {
    if (pid_ > 0) Kill();
    if (drain_.joinable()) drain_.join();
    close(fd_);
  }

  int port() const { return port_; }

  void Kill() {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // SIGTERM, then waits; the exit code, or -1 if a signal ended the child.
  int Terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // Waits up to timeout_ms for the child to exit by itself. Returns its exit
  // code (-1 if a signal ended it), or nullopt if it is still running.
  std::optional<int> WaitExit(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (pid_ > 0) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;  // already reaped by Kill or Terminate
  }
  // What the child wrote to the captured streams so far.
  std::string output() const {
    std::lock_guard lock(mu_);
    return output_;
  }

 private:
  // Bounds what is kept of a chatty child: a crash test under load.
  static constexpr size_t kOutputBytesMax = 64 << 10;

  void ReadUntilListening(std::chrono::steady_clock::time_point deadline) {
    std::string line;
    while (true) {
      auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         deadline - std::chrono::steady_clock::now())
                         .count();
      if (left_ms <= 0) return;
      pollfd p{fd_, POLLIN, 0};
      int ready = poll(&p, 1, static_cast<int>(left_ms));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return;
      char buf[4096];
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // the child closed its output: it exited
      Keep(buf, static_cast<size_t>(n));
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] != '\n') {
          line += buf[i];
        } else if (line.rfind("LISTENING=", 0) == 0) {
          port_ = std::atoi(line.c_str() + 10);
          return;
        } else {
          line.clear();
        }
      }
    }
  }
  void Keep(const char* data, size_t size) {
    std::lock_guard lock(mu_);
    if (output_.size() < kOutputBytesMax) {
      output_.append(data, std::min(size, kOutputBytesMax - output_.size()));
    }
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  int port_ = 0;
  std::thread drain_;
  mutable std::mutex mu_;
  std::string output_;  // guarded by mu_
};

// What a process that ran to its end wrote and how it ended.
struct ProcessExit {
  int code = -1;       // the exit code; -1 if a signal ended it or it timed out
  std::string output;  // stdout and stderr together, the first 64 KiB
};

// Runs `binary` with `args` (ledgerctl, or ledgerd when it must exit) and
// waits for its end, at most timeout_ms: past it the child is killed.
inline ProcessExit RunToExit(const char* binary, const std::vector<std::string>& args,
                             int timeout_ms = 120'000) {
  constexpr size_t kOutputBytesMax = 64 << 10;
  std::vector<char*> argv;  // before fork, as above
  argv.push_back(const_cast<char*>(binary));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int out[2];
  LEDGER_ASSERT(pipe2(out, O_CLOEXEC) == 0);
  pid_t pid = fork();
  LEDGER_ASSERT(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    execv(binary, argv.data());
    _exit(127);
  }
  close(out[1]);
  ProcessExit result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool timed_out = false;
  while (true) {
    auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       deadline - std::chrono::steady_clock::now())
                       .count();
    if (left_ms <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline is checked above
    char buf[4096];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed its output: it exited
    if (result.output.size() < kOutputBytesMax) {
      result.output.append(buf, std::min(static_cast<size_t>(n),
                                         kOutputBytesMax - result.output.size()));
    }
  }
  close(out[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!timed_out && WIFEXITED(status)) result.code = WEXITSTATUS(status);
  return result;
}

}  // namespace ledger::testing
