// Small helpers the service tests share.
#pragma once

#include <atomic>
#include <string>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace juttu::testing {

// A clock the test moves by hand; safe to read from any thread.
struct ManualClock final : core::Clock {
    std::atomic<core::TimeMs> now{1'000'000};
    core::TimeMs now_ms() const override { return now.load(); }
};

// A visitor's message on a site, as the chat service hands it to the store.
inline store::NewMessage visitor_message(core::Id workspace_id, core::Id site_id,
                                         core::Id contact_id, std::string client_id,
                                         std::string body, core::TimeMs at) {
    store::NewMessage message;
    message.workspace_id = workspace_id;
    message.site_id = site_id;
    message.contact_id = contact_id;
    message.client_id = std::move(client_id);
    message.author_kind = core::AuthorKind::visitor;
    message.author_id = contact_id;
    message.body = std::move(body);
    message.at = at;
    return message;
}

}  // namespace juttu::testing
