// Expected failures of the domain and services, returned as values (never thrown).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace juttu::core {

enum class ErrorCode {
    validation_failed,      // input present but out of its allowed shape or range
    unauthorized,           // no, bad, expired or revoked credentials
    invalid_credentials,    // login with a wrong email or password
    forbidden,              // authenticated, but the role does not allow it
    not_found,              // absent, or in another workspace
    conflict,               // e.g. an email already taken
    conversation_closed,    // writing to a closed conversation
    unknown_site,           // no site has this key
    origin_not_allowed,     // the page's origin is not allowed for the site
    unavailable,            // the store failed; nothing changed
    rate_limited,           // too many of these from this client: retry_after_ms says when
    file_too_large,         // an upload over the configured size
    file_type_not_allowed,  // an upload whose bytes are of a type not allowed (or a program)
    bad_identity,           // a visitor's signed identity did not verify (forged, expired)
    identity_required,      // the site chats with verified visitors only
};

struct Error {
    ErrorCode code;
    std::string message;
    std::int64_t retry_after_ms = 0;  // rate_limited: how long until a retry may succeed
    std::uint64_t max_bytes = 0;      // file_too_large: the limit, for the client to show
};

// A value or an Error. Small on purpose: check ok(), then use value() or error().
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return state_.index() == 0; }
    T& value() { return std::get<0>(state_); }
    const T& value() const { return std::get<0>(state_); }
    const Error& error() const { return std::get<1>(state_); }

private:
    std::variant<T, Error> state_;
};

struct Done {};  // the value of a Result that carries nothing

inline Error fail(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace juttu::core
