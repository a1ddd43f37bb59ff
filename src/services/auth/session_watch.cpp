#include "services/auth/session_watch.hpp"

#include <algorithm>
#include <iterator>

namespace juttu::services {

SessionWatch::SessionWatch(store::Store& store, EventSink& events, const core::Clock& clock)
    : store_(store), events_(events), clock_(clock) {}

void SessionWatch::watch(core::Id session_id) {
    std::lock_guard lock(mutex_);
    ++connections_[session_id];
}

void SessionWatch::unwatch(core::Id session_id) {
    std::lock_guard lock(mutex_);
    auto it = connections_.find(session_id);
    if (it == connections_.end()) return;
    if (--it->second == 0) connections_.erase(it);
}

std::vector<core::Id> SessionWatch::check() {
    const auto watched = watched_ids();
    if (watched.empty()) return {};
    // Read outside the lock: hellos and closes go on while the store answers. A session
    // watched after the snapshot waits for the next check.
    auto live = store_.live_sessions(watched, clock_.now_ms());
    std::sort(live.begin(), live.end());
    std::vector<core::Id> gone;
    std::set_difference(watched.begin(), watched.end(), live.begin(), live.end(),
                        std::back_inserter(gone));
    if (!gone.empty()) events_.sessions_revoked(gone);
    return gone;
}

std::size_t SessionWatch::watched() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

std::vector<core::Id> SessionWatch::watched_ids() const {
    std::vector<core::Id> ids;
    {
        std::lock_guard lock(mutex_);
        ids.reserve(connections_.size());
        for (const auto& entry : connections_) ids.push_back(entry.first);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace juttu::services
