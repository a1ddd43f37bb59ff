// E-mails agents' replies in offline conversations to the visitor.
//
// The store queues each such reply in its outbox in the message's own transaction; this
// service drains the outbox on a thread of its own (SMTP is slow and blocking): composes
// the e-mail from the message, the contact and the site, hands it to the MailSender, and
// records the outcome. A temporary failure is retried with a growing delay (1 min, 2, 4...
// up to an hour, 12 tries); a permanent one (or no address) marks it failed. Without a
// sender (no SMTP configured) replies wait in the outbox until one is configured.
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
    ReplyMailer(const ReplyMailer&) = delete;
    ReplyMailer& operator=(const ReplyMailer&) = delete;

    // Wakes the thread when an agent answers an offline conversation.
    void message_added(const core::Conversation& conversation,
                       const core::Message& message) override;

    static constexpr int max_attempts = 12;

private:
    void run();
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
    std::thread thread_;     // last: starts once the rest is ready
};

}  // namespace juttu::services
