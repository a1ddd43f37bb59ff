#include "services/offline/reply_mailer.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>

#include "services/offline/reply_text.hpp"

namespace juttu::services {

namespace {

constexpr int batch_size = 20;
constexpr auto idle_poll = std::chrono::seconds(30);
constexpr core::TimeMs first_retry_ms = 60'000;
constexpr core::TimeMs max_retry_ms = 60 * 60'000;

core::TimeMs retry_delay(int attempts) {
    return std::min(max_retry_ms, first_retry_ms << std::min(attempts, 10));
}

}  // namespace

ReplyMailer::ReplyMailer(store::Store& store, MailSender& sender, const core::Clock& clock,
                         std::string from)
    : store_(store), sender_(sender), clock_(clock), from_(std::move(from)), thread_([this] {
          pthread_setname_np(pthread_self(), "juttu-mailer");
          run();
      }) {}

ReplyMailer::~ReplyMailer() { stop(); }

void ReplyMailer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ReplyMailer::message_added(const core::Conversation& conversation,
                                const core::Message& message) {
    if (conversation.channel != core::Channel::offline ||
        message.author_kind != core::AuthorKind::agent) {
        return;
    }
    {
        std::lock_guard lock(mutex_);
        pending_ = true;
    }
    wake_.notify_one();
}

void ReplyMailer::run() {
    while (true) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, idle_poll, [this] { return stopping_ || pending_; });
            if (stopping_) return;
            pending_ = false;
        }
        try {
            record_pending_outcomes();
            for (const auto& email : store_.due_emails(clock_.now_ms(), batch_size)) {
                deliver(email);
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
        } catch (const store::StoreError&) {
            // The store is failing; the outbox is still there on the next round.
        }
    }
}

void ReplyMailer::record_pending_outcomes() {
    while (!sent_unrecorded_.empty()) {
        store_.finish_email(sent_unrecorded_.back(), clock_.now_ms(), "", std::nullopt);
        sent_unrecorded_.pop_back();
    }
}

std::optional<Email> ReplyMailer::compose(const store::OutboxEmail& email) {
    const auto& conversation = email.conversation;
    auto contact = store_.find_contact(email.workspace_id, conversation.contact_id);
    if (!contact || contact->email.empty()) return std::nullopt;
    auto site = store_.find_site(email.workspace_id, conversation.site_id);
    const auto language = contact->attributes.find("language");
    const auto words = reply_text(language == contact->attributes.end() ? "" : language->second,
                                  site ? site->name : "", email.message.author_name);
    Email out;
    out.from = from_;
    out.to = contact->email;
    out.subject = words.subject;
    out.text = email.message.body + "\n\n-- \n" + words.signature + "\n";
    return out;
}

void ReplyMailer::deliver(const store::OutboxEmail& email) {
    const auto now = clock_.now_ms();
    auto composed = compose(email);
    if (!composed) {
        store_.finish_email(email.id, now, "the contact has no e-mail address", std::nullopt);
        return;
    }
    auto sent = sender_.send(*composed);
    if (sent.ok()) {
        try {
            store_.finish_email(email.id, now, "", std::nullopt);
        } catch (const store::StoreError&) {
            // Delivered: never send it again, even while the store cannot say so.
            sent_unrecorded_.push_back(email.id);
            throw;
        }
        return;
    }
    const bool retry =
        sent.error().code == core::ErrorCode::unavailable && email.attempts + 1 < max_attempts;
    store_.finish_email(email.id, now, sent.error().message,
                        retry ? std::optional(now + retry_delay(email.attempts)) : std::nullopt);
}

}  // namespace juttu::services
