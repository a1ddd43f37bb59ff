#include "services/offline/missed_chats.hpp"

#include <exception>
#include <vector>

namespace juttu::services {

MissedChats::MissedChats(store::Store& store, EventSink& events, const core::Clock& clock,
                         core::TimeMs leave_grace_ms)
    : store_(store), events_(events), clock_(clock), leave_grace_ms_(leave_grace_ms) {}

void MissedChats::visitor_connected(core::Id workspace_id, core::Id contact_id) {
    std::lock_guard lock(mutex_);
    auto& visitor = visitors_[contact_id];
    visitor.workspace_id = workspace_id;
    ++visitor.connections;
}

void MissedChats::visitor_disconnected(core::Id workspace_id, core::Id contact_id) {
    std::lock_guard lock(mutex_);
    auto& visitor = visitors_[contact_id];
    visitor.workspace_id = workspace_id;
    if (visitor.connections > 0) --visitor.connections;
    if (visitor.connections == 0) visitor.left_at = clock_.now_ms();
}

void MissedChats::expire() {
    const auto now = clock_.now_ms();
    std::vector<std::pair<core::Id, core::Id>> gone;  // (workspace, contact)
    {
        std::lock_guard lock(mutex_);
        for (auto it = visitors_.begin(); it != visitors_.end();) {
            const auto& visitor = it->second;
            if (visitor.connections == 0 && now - visitor.left_at >= leave_grace_ms_) {
                gone.emplace_back(visitor.workspace_id, it->first);
                it = visitors_.erase(it);
            } else {
                ++it;
            }
        }
    }
    std::exception_ptr failure;
    for (const auto& [workspace_id, contact_id] : gone) {
        try {
            for (const auto& conversation : store_.mark_missed(workspace_id, contact_id, now)) {
                events_.conversation_changed(conversation);
            }
        } catch (const store::StoreError&) {
            // Not marked: keep the visitor for the next round (unless they came back).
            std::lock_guard lock(mutex_);
            visitors_.try_emplace(contact_id, Visitor{workspace_id, 0, now - leave_grace_ms_});
            failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace juttu::services
