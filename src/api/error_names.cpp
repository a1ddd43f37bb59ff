#include "api/error_names.hpp"

namespace juttu::api {

std::string_view error_code_name(core::ErrorCode code) {
    using core::ErrorCode;
    switch (code) {
        case ErrorCode::validation_failed:
            return "validation_failed";
        case ErrorCode::unauthorized:
            return "unauthorized";
        case ErrorCode::invalid_credentials:
            return "invalid_credentials";
        case ErrorCode::forbidden:
            return "forbidden";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::conflict:
            return "conflict";
        case ErrorCode::conversation_closed:
            return "conversation_closed";
        case ErrorCode::unknown_site:
            return "unknown_site";
        case ErrorCode::origin_not_allowed:
            return "origin_not_allowed";
        case ErrorCode::unavailable:
            return "unavailable";
        case ErrorCode::rate_limited:
            return "rate_limited";
        case ErrorCode::file_too_large:
            return "file_too_large";
        case ErrorCode::file_type_not_allowed:
            return "file_type_not_allowed";
        case ErrorCode::bad_identity:
            return "bad_identity";
        case ErrorCode::identity_required:
            return "identity_required";
    }
    return "internal";
}

}  // namespace juttu::api
