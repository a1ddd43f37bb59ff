// Sending one e-mail. The offline service hands replies to a MailSender; net/ implements
// it with SMTP. Blocking: call it off the event loops.
#pragma once

#include <string>

#include "core/result.hpp"

namespace juttu::services {

struct Email {
    std::string from;      // "Demo shop <support@shop.example>" or a bare address
    std::string to;        // a bare address
    std::string reply_to;  // optional
    std::string subject;   // one line of UTF-8
    std::string text;      // plain-text UTF-8 body, lines separated by '\n'
};

class MailSender {
public:
    virtual ~MailSender() = default;
    // Delivered to the relay (it answered 250 to the end of DATA), or why not.
    // ErrorCode::unavailable for a failure worth retrying later (connection, timeout, 4xx),
    // ErrorCode::validation_failed for one that will not change (5xx, a bad address).
    virtual core::Result<core::Done> send(const Email& email) = 0;
};

}  // namespace juttu::services
