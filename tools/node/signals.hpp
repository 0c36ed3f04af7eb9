#pragma once
// SIGTERM and SIGINT as a request to stop, not a way to die: install() blocks
// both in every thread (call it before any thread starts, i.e. before the
// actor system) and starts one thread that waits for them. The node's main
// loop polls requested() and stops through its lifecycle (reverse start
// order, store flushed, logs flushed), then exits 0. A second signal while
// stopping ends the process at once (exit 128 + signal).

#include <chrono>

namespace om::node_signals {

void install();

/// The signal that asked to stop, or 0.
int requested();

/// Name of a signal number ("SIGTERM").
const char* name(int sig);

/// Marks the start of the orderly stop (a later signal forces the exit).
void stopping();

} // namespace om::node_signals
