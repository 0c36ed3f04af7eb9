#include "tools/node/signals.hpp"

#include <atomic>
#include <csignal>
#include <thread>

#include <pthread.h>
#include <unistd.h>

namespace om::node_signals {

namespace {

std::atomic<int> first{0};
std::atomic<bool> in_stop{false};

} // namespace

void install() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread{[set] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0)
        continue;
      int none = 0;
      if (!first.compare_exchange_strong(none, sig) || in_stop.load())
        _exit(128 + sig); // asked twice: stop now
    }
  }}.detach();
}

int requested() {
  return first.load();
}

void stopping() {
  in_stop.store(true);
}

const char* name(int sig) {
  switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    default: return "signal";
  }
}

} // namespace om::node_signals
