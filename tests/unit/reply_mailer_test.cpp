// The ReplyMailer's outbox handling on a real store: what it sends, retrying temporary
// failures later, giving up on permanent ones. The relay is a scripted MailSender here;
// SmtpClient itself is tested against a real SMTP server (tests/integration/smtp.test.mjs).
#include "services/offline/reply_mailer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "services/offline/reply_text.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

namespace juttu::services {
namespace {

using testing::ManualClock;

// Answers each send with the next scripted outcome (then success), and keeps the e-mails.
class ScriptedRelay final : public MailSender {
public:
    explicit ScriptedRelay(std::deque<core::Result<core::Done>> outcomes)
        : outcomes_(std::move(outcomes)) {}
    core::Result<core::Done> send(const Email& email) override {
        std::lock_guard lock(mutex_);
        sent_.push_back(email);
        if (outcomes_.empty()) return core::Done{};
        auto next = outcomes_.front();
        outcomes_.pop_front();
        return next;
    }
    std::vector<Email> sent() {
        std::lock_guard lock(mutex_);
        return sent_;
    }

private:
    std::mutex mutex_;
    std::deque<core::Result<core::Done>> outcomes_;
    std::vector<Email> sent_;
};

bool wait_until(const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

class ReplyMailerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto workspace = store_->create_workspace("Mail", 1);
        workspace_id_ = workspace.id;
        core::Site site;
        site.workspace_id = workspace_id_;
        site.key = "mail-key";
        site.name = "Mail shop";
        site = store_->create_site(site);
        auto contact = store_->create_contact(workspace_id_, site.id, "token", 1);
        contact.email = "visitor@example.com";
        store_->update_contact(contact);
        core::Agent agent;
        agent.workspace_id = workspace_id_;
        agent.email = "anna@example.com";
        agent.name = "Anna";
        agent_ = *store_->create_agent(agent, "hash");

        auto left = testing::visitor_message(workspace_id_, site.id, contact.id, "left",
                                             "Do you ship to Tallinn?", clock_.now.load());
        left.channel = core::Channel::offline;
        conversation_ = store_->append_message(left).conversation;
    }

    core::Message reply(const std::string& body) {
        store::NewMessage message;
        message.workspace_id = workspace_id_;
        message.conversation_id = conversation_.id;
        message.client_id = body;
        message.author_kind = core::AuthorKind::agent;
        message.author_id = agent_.id;
        message.author_name = agent_.name;
        message.body = body;
        message.at = clock_.now.load();
        auto appended = store_->append_message(message);
        conversation_ = appended.conversation;
        return appended.message;
    }

    testing::TempDir dir_;
    std::unique_ptr<store::sqlite::SqliteStore> store_ =
        store::sqlite::SqliteStore::open(dir_.path() / "juttu.db");
    ManualClock clock_;
    core::Id workspace_id_ = 0;
    core::Agent agent_;
    core::Conversation conversation_;
};

TEST_F(ReplyMailerTest, SendsTheReplyToTheContact) {
    reply("Yes, in 2-3 days.");
    ScriptedRelay relay({});
    ReplyMailer mailer(*store_, relay, clock_, "Mail shop <support@shop.example>");
    ASSERT_TRUE(wait_until([&] { return relay.sent().size() == 1; }));
    const auto email = relay.sent()[0];
    EXPECT_EQ(email.to, "visitor@example.com");
    EXPECT_EQ(email.from, "Mail shop <support@shop.example>");
    EXPECT_EQ(email.subject, "Re: your message to Mail shop");
    EXPECT_EQ(email.text, "Yes, in 2-3 days.\n\n-- \nAnna, Mail shop\n");
    EXPECT_NE(email.text.find("Yes, in 2-3 days."), std::string::npos);
    EXPECT_NE(email.text.find("Anna, Mail shop"), std::string::npos);
    EXPECT_TRUE(wait_until([&] { return store_->due_emails(INT64_MAX, 10).empty(); }));
}

TEST_F(ReplyMailerTest, RetriesATemporaryFailureLaterAndGivesUpOnAPermanentOne) {
    ScriptedRelay relay({core::fail(core::ErrorCode::unavailable, "451 try again later"),
                         core::fail(core::ErrorCode::validation_failed, "550 no such user")});
    ReplyMailer mailer(*store_, relay, clock_, "support@shop.example");
    auto first = reply("first");
    mailer.message_added(conversation_, first);
    ASSERT_TRUE(wait_until([&] { return relay.sent().size() == 1; }));
    ASSERT_TRUE(wait_until([&] { return store_->due_emails(clock_.now.load(), 10).empty(); }))
        << "not retried at once";
    ASSERT_EQ(store_->due_emails(clock_.now.load() + 60'000, 10).size(), 1u)
        << "retried a minute later";

    clock_.now += 60'000;
    auto second = reply("second");
    mailer.message_added(conversation_, second);
    // Both are due now: the retry fails for good (550), the second goes out.
    ASSERT_TRUE(wait_until([&] { return relay.sent().size() == 3; }));
    EXPECT_TRUE(wait_until([&] { return store_->due_emails(INT64_MAX, 10).empty(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(relay.sent().size(), 3u) << "nothing is sent twice";
}

TEST(ReplyText, InTheVisitorsLanguage) {
    EXPECT_EQ(reply_text("fi-FI", "Kauppa", "Anna").subject, "Vastaus viestiisi: Kauppa");
    EXPECT_EQ(reply_text("ET", "Pood", "Mari").subject, "Vastus teie sõnumile: Pood");
    EXPECT_EQ(reply_text("sv_SE", "Butik", "Lena").subject, "Svar på ditt meddelande till Butik");
    EXPECT_EQ(reply_text("de-DE", "Shop", "Jan").subject, "Re: your message to Shop");
    EXPECT_EQ(reply_text("", "Shop", "Jan").signature, "Jan, Shop");
}

}  // namespace
}  // namespace juttu::services
