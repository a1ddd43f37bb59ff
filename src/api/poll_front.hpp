// The HTTP routes of the long-poll transport (docs/protocol.md, "The HTTP transport"):
//   POST /rt/open                      a session, answered {"session": id, ...}
//   POST /rt/poll?session=ID&ack=N     frames from index N on (waits up to 25 s)
//   POST /rt/send?session=ID           client frames, one per line
//   OPTIONS /rt/...                    the CORS preflight
// All POST, so that every request carries an Origin header (a browser sends none with a
// same-origin GET) to match the one the session was opened with; the requests are CORS
// "simple" ones (text/plain, no custom header), so the widget pays no preflight.
//
// The protocol behind them is the socket's: a session is handed to the same
// WsHandlerFactory (RealtimeGateway), which checks the Origin at hello as for a socket.
// Nothing here blocks: polls are answered by net's PollHub when frames come.
#pragma once

#include <functional>
#include <string_view>

#include "net/poll_hub.hpp"
#include "net/server.hpp"

namespace juttu::api {

class PollFront {
public:
    explicit PollFront(net::PollHub& hub) : hub_(hub) {}

    static bool handles(std::string_view path) { return path.starts_with("/rt/"); }
    // `respond` is called once, from any thread.
    void handle(net::Request request, std::function<void(net::Response)> respond);

private:
    net::PollHub& hub_;
};

}  // namespace juttu::api
