#include "services/chat/chat_service.hpp"

#include <algorithm>

#include "core/validation.hpp"
#include "services/auth/crypto.hpp"
#include "services/identity/visitor_identity.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

core::Error no_conversation() { return fail(ErrorCode::not_found, "no such conversation"); }

core::Result<store::AppendResult> to_result(store::AppendResult result) {
    using Status = store::AppendResult::Status;
    switch (result.status) {
        case Status::stored:
        case Status::duplicate:
            return result;
        case Status::no_conversation:
            return no_conversation();
        case Status::closed:
            return fail(ErrorCode::conversation_closed, "the conversation is closed");
        case Status::not_created:  // ChatService::append answers these itself
            return fail(ErrorCode::rate_limited, "too many new chats");
        case Status::bad_attachment:
            return fail(ErrorCode::validation_failed, result.error);
        case Status::failed:
            break;
    }
    return fail(ErrorCode::unavailable, "the message could not be stored: " + result.error);
}

std::optional<core::Error> check_send(const Participant& author, const SendRequest& request,
                                      std::size_t max_attachments) {
    if (!core::is_valid_client_id(request.client_id)) {
        return fail(ErrorCode::validation_failed,
                    "client_id must be 1-64 characters of A-Z a-z 0-9 - _ . :");
    }
    if (request.attachments.size() > max_attachments) {
        return fail(ErrorCode::validation_failed,
                    "too many attachments: at most " + std::to_string(max_attachments));
    }
    // A message of files alone has no text.
    const bool files_alone = !request.attachments.empty() && request.body.empty();
    if (auto problem = core::message_body_problem(request.body); problem && !files_alone) {
        return fail(ErrorCode::validation_failed, *problem);
    }
    if (author.kind == core::AuthorKind::agent && !request.conversation_id) {
        return fail(ErrorCode::validation_failed, "conversation_id is required");
    }
    return std::nullopt;
}

// The hello's identity, verified; none without one, unless the site requires it.
core::Result<std::optional<identity::VerifiedIdentity>> verified_identity(
    const core::Site& site, const std::optional<identity::IdentityClaim>& claim, core::TimeMs now) {
    if (!claim) {
        if (!site.require_verified_identity) return std::optional<identity::VerifiedIdentity>();
        return fail(ErrorCode::identity_required,
                    "this site chats with signed-in customers only: the page gives no identity");
    }
    auto checked = identity::check_for_site(site, *claim, now);
    if (!checked.ok()) return checked.error();
    return std::optional<identity::VerifiedIdentity>(std::move(checked.value()));
}

}  // namespace

Participant Participant::of(const core::Agent& agent) {
    return Participant{core::AuthorKind::agent, agent.workspace_id, agent.id, 0, agent.name, {}};
}

ChatService::ChatService(store::Store& store, EventSink& events, const core::Clock& clock,
                         RateLimiter& limits)
    : store_(store), events_(events), clock_(clock), limits_(limits) {}

std::optional<core::Error> ChatService::take_new(LimitKind per_address, LimitKind per_site,
                                                 std::string_view address, core::Id site_id) {
    return limits_.take_both(per_address, address, per_site, std::to_string(site_id));
}

void ChatService::refund_new(LimitKind per_address, LimitKind per_site, std::string_view address,
                             core::Id site_id) {
    limits_.refund_both(per_address, address, per_site, std::to_string(site_id));
}

store::VisitorArrival ChatService::arrive(const core::Site& site, std::string_view contact_token,
                                          const std::map<std::string, std::string>& context,
                                          const std::optional<identity::VerifiedIdentity>& verified,
                                          const std::string& new_token, bool may_create) {
    std::string token_hash;
    if (!contact_token.empty() && contact_token.size() <= 200) {
        token_hash = sha256_hex(contact_token);
    }
    if (!verified) {
        return store_.arrive_visitor(site.workspace_id, site.id, token_hash,
                                     may_create ? sha256_hex(new_token) : std::string(),
                                     clock_.now_ms(), context);
    }
    return store_.arrive_verified(
        store::VerifiedVisit{site.workspace_id, site.id, verified->user_id, token_hash,
                             sha256_hex(new_token), may_create, clock_.now_ms(), context});
}

core::Result<VisitorWelcome> ChatService::connect_visitor(
    std::string_view site_key, std::string_view origin, std::string_view contact_token,
    const std::map<std::string, std::string>& context, std::string_view address,
    const std::optional<identity::IdentityClaim>& identity) {
    auto site = store_.find_site_by_key(std::string(site_key));
    if (!site) return fail(ErrorCode::unknown_site, "no site has this key");
    const auto normalized = core::normalize_origin(origin);
    const auto& allowed = site->allowed_origins;
    if (!normalized || std::find(allowed.begin(), allowed.end(), *normalized) == allowed.end()) {
        return fail(ErrorCode::origin_not_allowed,
                    "this page's origin is not allowed for the site");
    }
    // Checked before anything is written: a refused identity changes nothing.
    auto verified = verified_identity(*site, identity, clock_.now_ms());
    if (!verified.ok()) return verified.error();
    // One write whether the visitor is new or returning: a hello waits for one commit.
    // A returning visitor costs nothing; a new one a token of the address's and the
    // site's limits. Without one, the store only finds a returning visitor.
    const auto refused =
        take_new(LimitKind::contacts_per_address, LimitKind::contacts_per_site, address, site->id);
    std::string new_token = random_token("ct_", 24);
    auto arrival = arrive(*site, contact_token, context, verified.value(), new_token, !refused);
    if (!refused && !arrival.created) {
        refund_new(LimitKind::contacts_per_address, LimitKind::contacts_per_site, address,
                   site->id);
    }
    if (refused && arrival.contact.id == 0) return *refused;
    if (arrival.contact.id == 0) return fail(ErrorCode::not_found, "no such site");
    if (verified.value() && identity::apply_claims(arrival.contact, *verified.value())) {
        auto updated = update_contact(arrival.contact);
        if (!updated.ok()) return updated.error();
    }
    VisitorWelcome welcome{*site, std::move(arrival.contact),
                           arrival.new_token ? std::move(new_token) : std::string(contact_token),
                           std::nullopt, std::string()};
    welcome.conversation =
        store_.find_active_conversation(site->workspace_id, site->id, welcome.contact.id);
    if (welcome.conversation && welcome.conversation->assignee_id) {
        auto agent = store_.find_agent(site->workspace_id, *welcome.conversation->assignee_id);
        if (agent) welcome.assignee_name = agent->name;
    }
    return welcome;
}

void ChatService::send(const Participant& author, SendRequest request, SendDone done) {
    append(author, std::move(request), core::Channel::chat, std::move(done));
}

void ChatService::leave_message(const Participant& visitor, LeftMessage left, SendDone done) {
    auto email = core::normalize_email(left.email);
    if (!email) {
        done(fail(ErrorCode::validation_failed, "email is not a valid address"));
        return;
    }
    SendRequest request{
        std::nullopt, std::move(left.client_id), std::move(left.body), std::nullopt, {}};
    if (auto error = check_send(visitor, request, 0)) {
        done(std::move(*error));
        return;
    }
    std::optional<std::string> name;
    if (!left.name.empty()) name = std::move(left.name);
    auto contact = identify(visitor, std::move(name), *email);
    if (!contact.ok()) {
        done(contact.error());
        return;
    }
    Participant named = visitor;
    named.name = contact.value().name;
    append(named, std::move(request), core::Channel::offline, std::move(done));
}

void ChatService::append(const Participant& author, SendRequest request, core::Channel channel,
                         SendDone done) {
    const std::size_t max_attachments = files_ ? files_->limits().max_attachments : 0;
    if (auto error = check_send(author, request, max_attachments)) {
        done(std::move(*error));
        return;
    }
    store::NewMessage message;
    message.attachment_ids = std::move(request.attachments);
    message.workspace_id = author.workspace_id;
    message.author_kind = author.kind;
    message.author_id = author.id;
    message.author_name = author.name;
    message.client_id = std::move(request.client_id);
    message.body = std::move(request.body);
    message.at = clock_.now_ms();
    if (author.kind == core::AuthorKind::visitor) {
        message.site_id = author.site_id;
        message.contact_id = author.id;
        message.team_id = request.team_id;
        message.channel = channel;
    } else {
        message.conversation_id = request.conversation_id;
    }
    // A visitor's message: the contact's message limit, and (should it start a
    // conversation) the new-chat limits, given back when it did not start one.
    std::optional<core::Error> may_not_start;
    if (author.kind == core::AuthorKind::visitor) {
        if (auto refused =
                limits_.take(LimitKind::messages_per_contact, std::to_string(author.id))) {
            done(std::move(*refused));
            return;
        }
        may_not_start = take_new(LimitKind::conversations_per_address,
                                 LimitKind::conversations_per_site, author.address, author.site_id);
        message.may_create_conversation = !may_not_start;
    }
    // A left message may also turn an existing chat into an offline conversation.
    const bool announce_conversation = channel == core::Channel::offline;
    const bool counted_start = author.kind == core::AuthorKind::visitor && !may_not_start;
    store_.append_message_async(
        std::move(message),
        [this, announce_conversation, counted_start, may_not_start = std::move(may_not_start),
         address = author.address, site_id = author.site_id,
         done = std::move(done)](store::AppendResult appended) {
            const bool stored = appended.status == store::AppendResult::Status::stored;
            const bool created = appended.conversation_created;
            if (counted_start && !created) {
                refund_new(LimitKind::conversations_per_address, LimitKind::conversations_per_site,
                           address, site_id);
            }
            if (appended.status == store::AppendResult::Status::not_created && may_not_start) {
                return done(*may_not_start);
            }
            if (files_)
                files_->sign(appended.conversation.workspace_id, appended.message.attachments);
            const auto conversation = appended.conversation;
            const auto stored_message = appended.message;
            done(to_result(std::move(appended)));
            if (!stored) return;
            if (created || announce_conversation) events_.conversation_changed(conversation);
            events_.message_added(conversation, stored_message);
        });
}

core::Result<core::Contact> ChatService::update_contact(core::Contact contact) {
    if (!store_.update_contact(contact)) return fail(ErrorCode::not_found, "no such contact");
    events_.contact_changed(contact);
    return contact;
}

core::Result<core::Contact> ChatService::identify(const Participant& visitor,
                                                  std::optional<std::string> name,
                                                  std::optional<std::string> email) {
    return edit_contact(visitor.workspace_id, visitor.id, std::move(name), std::move(email));
}

core::Result<core::Contact> ChatService::edit_contact(core::Id workspace_id, core::Id contact_id,
                                                      std::optional<std::string> name,
                                                      std::optional<std::string> email) {
    auto contact = store_.find_contact(workspace_id, contact_id);
    if (!contact) return fail(ErrorCode::not_found, "no such contact");
    if (name) {
        if (auto problem = core::line_problem(*name, core::limits::name_bytes, true)) {
            return fail(ErrorCode::validation_failed, "name " + *problem);
        }
        contact->name = *name;
    }
    if (email) {
        auto normalized = core::normalize_email(*email);
        if (!normalized && !email->empty()) {
            return fail(ErrorCode::validation_failed, "email is not a valid address");
        }
        contact->email = normalized.value_or("");
    }
    return update_contact(std::move(*contact));
}

core::Result<core::Contact> ChatService::set_attributes(
    const Participant& visitor, const std::map<std::string, std::optional<std::string>>& changes) {
    if (auto refused =
            limits_.take(LimitKind::attributes_per_contact, std::to_string(visitor.id))) {
        return *refused;
    }
    auto contact = store_.find_contact(visitor.workspace_id, visitor.id);
    if (!contact) return fail(ErrorCode::not_found, "no such contact");
    for (const auto& [key, value] : changes) {
        if (key.empty() || !core::is_valid_utf8(key) || !core::is_single_line(key) ||
            core::utf8_length(key) > max_attribute_key_chars) {
            return fail(ErrorCode::validation_failed,
                        "attribute names are 1-64 characters on one line");
        }
        if (!value) {
            contact->attributes.erase(key);
            continue;
        }
        if (value->size() > max_attribute_value_bytes || !core::is_valid_utf8(*value) ||
            !core::is_clean_text(*value)) {
            return fail(ErrorCode::validation_failed,
                        "attribute values are at most 1000 bytes of text");
        }
        contact->attributes[key] = *value;
    }
    if (contact->attributes.size() > max_attributes) {
        return fail(ErrorCode::validation_failed, "a contact has at most 50 attributes");
    }
    return update_contact(std::move(*contact));
}

core::Result<core::Conversation> ChatService::accessible(const Participant& who,
                                                         core::Id conversation_id) {
    auto conversation = store_.find_conversation(who.workspace_id, conversation_id);
    if (!conversation) return no_conversation();
    if (who.kind == core::AuthorKind::visitor && conversation->contact_id != who.id) {
        return no_conversation();
    }
    return *conversation;
}

core::Result<History> ChatService::history(const Participant& reader, core::Id conversation_id,
                                           core::Seq after_seq, core::Seq before_seq, int limit) {
    if (limit < 1 || limit > max_history_page || after_seq < 0 || before_seq < 0) {
        return fail(ErrorCode::validation_failed, "limit must be 1-500 and seqs not negative");
    }
    auto conversation = accessible(reader, conversation_id);
    if (!conversation.ok()) return conversation.error();
    History history{conversation.value(), {}, false, {}};
    history.messages = store_.list_messages(reader.workspace_id, conversation_id, after_seq,
                                            before_seq, limit + 1);
    if (history.messages.size() > static_cast<std::size_t>(limit)) {
        history.has_more = true;
        // Paging forward drops the newest extra; paging back (latest page) the oldest.
        const bool paging_back = after_seq == 0 && before_seq > 0;
        if (paging_back) {
            history.messages.erase(history.messages.begin());
        } else {
            history.messages.pop_back();
        }
    }
    history.read_marks = store_.list_read_marks(reader.workspace_id, conversation_id);
    if (files_) {
        for (auto& message : history.messages)
            files_->sign(reader.workspace_id, message.attachments);
    }
    return history;
}

void ChatService::mark_read(const Participant& reader, core::Id conversation_id, core::Seq seq,
                            MarkDone done) {
    if (seq < 0) return done(fail(ErrorCode::validation_failed, "seq must not be negative"));
    auto conversation = accessible(reader, conversation_id);
    if (!conversation.ok()) return done(conversation.error());
    core::ReadMark mark{conversation_id, reader.kind, reader.id, seq};
    store_.set_read_mark_async(
        reader.workspace_id, mark,
        [this, mark, conversation = std::move(conversation.value()),
         done = std::move(done)](std::optional<core::Seq> stored) mutable {
            if (!stored) return done(fail(ErrorCode::unavailable, "the read mark was not stored"));
            mark.seq = *stored;
            events_.read_marked(conversation, mark);
            done(*stored);
        });
}

core::Result<core::Done> ChatService::typing(const Participant& author,
                                             std::optional<core::Id> conversation_id, bool active) {
    std::optional<core::Conversation> conversation;
    if (conversation_id) {
        auto found = accessible(author, *conversation_id);
        if (!found.ok()) return found.error();
        conversation = found.value();
    } else if (author.kind == core::AuthorKind::visitor) {
        conversation =
            store_.find_active_conversation(author.workspace_id, author.site_id, author.id);
        if (!conversation) return core::Done{};  // nothing to type into yet
    } else {
        return fail(ErrorCode::validation_failed, "conversation_id is required");
    }
    events_.typing(*conversation, Author{author.kind, author.id, author.name}, active);
    return core::Done{};
}

void ChatService::page_view(const Participant& visitor, std::string url, std::string title,
                            std::string referrer, PageViewDone done) {
    if (!core::is_valid_http_url(url)) {
        return done(fail(ErrorCode::validation_failed, "url must be an absolute http(s) URL"));
    }
    if (auto problem = core::line_problem(title, core::limits::title_bytes, true)) {
        return done(fail(ErrorCode::validation_failed, "title " + *problem));
    }
    if (!referrer.empty() && !core::is_valid_http_url(referrer)) {
        return done(fail(ErrorCode::validation_failed, "referrer must be empty or an http(s) URL"));
    }
    if (auto refused =
            limits_.take(LimitKind::page_views_per_contact, std::to_string(visitor.id))) {
        return done(std::move(*refused));
    }
    core::PageView view{0,
                        visitor.workspace_id,
                        visitor.id,
                        std::move(url),
                        std::move(title),
                        std::move(referrer),
                        clock_.now_ms()};
    store_.add_page_view_async(
        std::move(view), [this, done = std::move(done)](std::optional<core::PageView> stored) {
            if (!stored) return done(fail(ErrorCode::unavailable, "the page view was not stored"));
            events_.page_viewed(*stored);
            done(std::move(*stored));
        });
}

store::ConversationCounts ChatService::conversation_counts(core::Id workspace_id,
                                                           core::ConversationStatus status,
                                                           core::Id agent_id) {
    return store_.count_conversations(workspace_id, status, agent_id);
}

core::Result<ConversationPage> ChatService::list_conversations(store::ConversationFilter filter,
                                                               core::Id reader_agent_id) {
    if (filter.limit < 1 || filter.limit > max_conversation_page) {
        return fail(ErrorCode::validation_failed, "limit must be 1-100");
    }
    const auto limit = static_cast<std::size_t>(filter.limit);
    filter.limit += 1;
    auto conversations = store_.list_conversations(filter);
    ConversationPage page{{}, conversations.size() > limit};
    conversations.resize(std::min(conversations.size(), limit));
    // Two indexed point reads per row (at most 100): cheap on SQLite, and it keeps the
    // Store contract small.
    for (auto& conversation : conversations) {
        InboxItem item{std::move(conversation), {}, {}, 0};
        const auto& c = item.conversation;
        if (auto contact = store_.find_contact(filter.workspace_id, c.contact_id)) {
            item.contact_name = contact->name;
            item.contact_email = contact->email;
        }
        for (const auto& mark : store_.list_read_marks(filter.workspace_id, c.id)) {
            if (mark.reader_kind == core::AuthorKind::agent && mark.reader_id == reader_agent_id) {
                item.my_read_seq = mark.seq;
            }
        }
        page.items.push_back(std::move(item));
    }
    return page;
}

core::Result<ConversationDetail> ChatService::conversation_detail(core::Id workspace_id,
                                                                  core::Id id) {
    auto conversation = store_.find_conversation(workspace_id, id);
    if (!conversation) return no_conversation();
    auto contact = store_.find_contact(workspace_id, conversation->contact_id);
    if (!contact) return fail(ErrorCode::not_found, "no such contact");
    return ConversationDetail{*conversation, *contact, store_.list_read_marks(workspace_id, id)};
}

core::Result<core::Conversation> ChatService::set_status(core::Id workspace_id, core::Id id,
                                                         core::ConversationStatus status) {
    auto conversation = store_.set_conversation_status(workspace_id, id, status, clock_.now_ms());
    if (!conversation) return no_conversation();
    events_.conversation_changed(*conversation);
    return *conversation;
}

core::Result<core::Conversation> ChatService::assign(core::Id workspace_id, core::Id id,
                                                     std::optional<core::Id> agent_id) {
    if (agent_id && !store_.find_agent(workspace_id, *agent_id)) {
        return fail(ErrorCode::not_found, "no such agent");
    }
    auto conversation = store_.assign_conversation(workspace_id, id, agent_id, clock_.now_ms());
    if (!conversation) return no_conversation();
    events_.conversation_changed(*conversation);
    return *conversation;
}

core::Result<core::Conversation> ChatService::take(const core::Agent& agent, core::Id id) {
    // A person's choice, like assign: not bound by capacity.
    auto claimed =
        store_.claim_conversation(agent.workspace_id, id, agent.id, clock_.now_ms(), false);
    if (!claimed) {
        auto conversation = store_.find_conversation(agent.workspace_id, id);
        if (!conversation) return no_conversation();
        if (conversation->assignee_id == agent.id) return *conversation;
        if (conversation->status == core::ConversationStatus::closed) {
            return fail(ErrorCode::conversation_closed, "the conversation is closed");
        }
        if (conversation->assignee_id) {
            return fail(ErrorCode::conflict, "another agent has taken this chat");
        }
        return fail(ErrorCode::conflict, "the chat is not waiting for an agent (it is " +
                                             std::string(core::to_string(conversation->status)) +
                                             ")");
    }
    events_.conversation_changed(*claimed);
    return *claimed;
}

std::optional<core::Contact> ChatService::find_contact(core::Id workspace_id, core::Id contact_id) {
    return store_.find_contact(workspace_id, contact_id);
}

}  // namespace juttu::services
