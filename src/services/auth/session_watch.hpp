// Closes the connections of agent sessions that ended outside this process: deleted by
// another process on the same database (`juttu admin password reset`), by another node,
// or expired. Revocations made here close their sockets at once through
// EventSink::sessions_revoked; this catches the rest within one check interval.
//
// Connections register their session while they are open (watch on hello, unwatch on
// close). check() asks the store in one query which of the watched sessions are still
// live and emits sessions_revoked for the others: the same event, so the same close
// (4001), as a logout in this process.
//
// Thread-safe. watch() and unwatch() take a mutex for a map update and may be called on
// any thread; check() blocks on a store read: call it from the ticker's thread, never
// from an event loop.
#pragma once

#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "services/events.hpp"
#include "store/store.hpp"

namespace juttu::services {

class SessionWatch {
public:
    SessionWatch(store::Store& store, EventSink& events, const core::Clock& clock);

    // One more (one fewer) open connection of this session.
    void watch(core::Id session_id);
    void unwatch(core::Id session_id);

    // Emits sessions_revoked for the watched sessions that are no longer live, and returns
    // them (ascending). One store read however many sessions are watched; none when none is.
    std::vector<core::Id> check();

    std::size_t watched() const;

private:
    std::vector<core::Id> watched_ids() const;  // ascending

    store::Store& store_;
    EventSink& events_;
    const core::Clock& clock_;
    mutable std::mutex mutex_;
    std::unordered_map<core::Id, std::size_t> connections_;  // guarded by mutex_
};

}  // namespace juttu::services
