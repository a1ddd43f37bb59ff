#include "core/types.hpp"

namespace juttu::core {

std::string_view to_string(Role role) {
    switch (role) {
        case Role::admin:
            return "admin";
        case Role::agent:
            return "agent";
    }
    return "agent";
}

std::string_view to_string(ConversationStatus status) {
    switch (status) {
        case ConversationStatus::open:
            return "open";
        case ConversationStatus::pending:
            return "pending";
        case ConversationStatus::closed:
            return "closed";
    }
    return "open";
}

std::string_view to_string(AuthorKind kind) {
    switch (kind) {
        case AuthorKind::visitor:
            return "visitor";
        case AuthorKind::agent:
            return "agent";
        case AuthorKind::system:
            return "system";
    }
    return "system";
}

std::optional<Role> parse_role(std::string_view text) {
    if (text == "admin") return Role::admin;
    if (text == "agent") return Role::agent;
    return std::nullopt;
}

std::optional<ConversationStatus> parse_status(std::string_view text) {
    if (text == "open") return ConversationStatus::open;
    if (text == "pending") return ConversationStatus::pending;
    if (text == "closed") return ConversationStatus::closed;
    return std::nullopt;
}

std::optional<AuthorKind> parse_author_kind(std::string_view text) {
    if (text == "visitor") return AuthorKind::visitor;
    if (text == "agent") return AuthorKind::agent;
    if (text == "system") return AuthorKind::system;
    return std::nullopt;
}

std::string_view to_string(Availability availability) {
    switch (availability) {
        case Availability::online:
            return "online";
        case Availability::away:
            return "away";
        case Availability::offline:
            return "offline";
    }
    return "offline";
}

std::optional<Availability> parse_availability(std::string_view text) {
    if (text == "online") return Availability::online;
    if (text == "away") return Availability::away;
    if (text == "offline") return Availability::offline;
    return std::nullopt;
}

std::string_view to_string(Channel channel) {
    return channel == Channel::offline ? "offline" : "chat";
}

std::optional<Channel> parse_channel(std::string_view text) {
    if (text == "chat") return Channel::chat;
    if (text == "offline") return Channel::offline;
    return std::nullopt;
}

std::string_view to_string(RoutingMode mode) {
    return mode == RoutingMode::manual ? "manual" : "auto";
}

std::optional<RoutingMode> parse_routing_mode(std::string_view text) {
    if (text == "auto") return RoutingMode::automatic;
    if (text == "manual") return RoutingMode::manual;
    return std::nullopt;
}

std::string_view to_string(FieldRule rule) {
    switch (rule) {
        case FieldRule::off:
            return "off";
        case FieldRule::optional:
            return "optional";
        case FieldRule::required:
            return "required";
    }
    return "off";
}

std::optional<FieldRule> parse_field_rule(std::string_view text) {
    if (text == "off") return FieldRule::off;
    if (text == "optional") return FieldRule::optional;
    if (text == "required") return FieldRule::required;
    return std::nullopt;
}

}  // namespace juttu::core
