// Missed chats: a visitor who leaves before any agent answered. A visitor "leaves" when
// all their connections have been gone for the grace period (moving between pages of
// the shop closes and opens a connection, which must not count). Their unanswered chats
// are then marked missed and agents hear of it. In memory, for one node; thread-safe.
#pragma once

#include <map>
#include <mutex>

#include "core/clock.hpp"
#include "services/events.hpp"
#include "store/store.hpp"

namespace juttu::services {

class MissedChats {
public:
    MissedChats(store::Store& store, EventSink& events, const core::Clock& clock,
                core::TimeMs leave_grace_ms);

    void visitor_connected(core::Id workspace_id, core::Id contact_id);
    void visitor_disconnected(core::Id workspace_id, core::Id contact_id);
    // Marks the chats of visitors gone past the grace period; call about once a second.
    // Throws StoreError when the store fails (those visitors are tried again next time).
    void expire();

private:
    struct Visitor {
        core::Id workspace_id = 0;
        int connections = 0;
        core::TimeMs left_at = 0;
    };

    store::Store& store_;
    EventSink& events_;
    const core::Clock& clock_;
    const core::TimeMs leave_grace_ms_;
    std::mutex mutex_;
    std::map<core::Id, Visitor> visitors_;  // by contact id; guarded by mutex_
};

}  // namespace juttu::services
