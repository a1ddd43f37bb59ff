// E-mails agents' replies in offline conversations to the visitor.
//
// The store queues each such reply in its outbox in the message's own transaction; this
// service drains the outbox on a thread of its own (SMTP is slow and blocking): composes
// the e-mail from the message, the contact and the site, hands it to the MailSender, and
// records the outcome. A temporary failure is retried with a growing delay (1 min, 2, 4...
// up to an hour, 12 tries); a permanent one (or no address) marks it failed. Without a
// sender (no SMTP configured) replies wait in the outbox until one is configured.
// Delivery is at least once: a crash between the relay's acceptance and the store's record
// of it sends that reply again after the restart.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "services/events.hpp"
#include "services/offline/mail_sender.hpp"
#include "store/store.hpp"

namespace juttu::services {

class ReplyMailer final : public EventSink {
public:
    // `from` is the From header ("Shop <support@shop.example>").
    ReplyMailer(store::Store& store, MailSender& sender, const core::Clock& clock,
                std::string from);
    ~ReplyMailer() override;  // stops the thread; unsent replies stay in the outbox
    // Stops the thread (idempotent); the object may still hear events afterwards.
    void stop();
    ReplyMailer(const ReplyMailer&) = delete;
    ReplyMailer& operator=(const ReplyMailer&) = delete;

    // Wakes the thread when an agent answers an offline conversation.
    void message_added(const core::Conversation& conversation,
                       const core::Message& message) override;

    static constexpr int max_attempts = 12;

private:
    void run();
    // Records the sends the store could not record before; throws StoreError while it
    // still cannot (and then nothing else is sent: the outbox would offer them again).
    void record_pending_outcomes();
    void deliver(const store::OutboxEmail& email);
    std::optional<Email> compose(const store::OutboxEmail& email);

    store::Store& store_;
    MailSender& sender_;
    const core::Clock& clock_;
    const std::string from_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;  // guarded by mutex_
    bool pending_ = true;    // guarded by mutex_; look at the outbox first thing
    // Sent, but the store failed to record it: never sent again, recorded when it can be.
    // Only the mailer thread touches it.
    std::vector<core::Id> sent_unrecorded_;
    std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace juttu::services
