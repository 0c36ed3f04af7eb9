#pragma once
// The FIX session layer, behind a header that includes no QuickFIX header.
// QuickFIX 1.15's headers compile only as C++14, so the one translation unit
// that uses them (quickfix_engine.cpp) is built as its own C++14 library and
// everything else talks to it through this file, which must stay valid C++14.
//
// A message crosses this boundary as its type and its body fields in wire
// order (repeating groups flattened: the count field, then each entry's
// fields). QuickFIX owns the session: logon, heartbeats, sequence numbers,
// resends, gap fills and the message store; the caller maps fields to its
// own model.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace om {
namespace fix {

struct field {
  int tag = 0;
  std::string value;
};

/// An application message: what is sent or what arrived.
struct message {
  std::string msg_type;
  std::vector<field> body;
  /// Inbound: PossDupFlag (43) of the header. Outbound: send as a possible
  /// duplicate (43=Y, OrigSendingTime 122 set to now).
  bool poss_dup = false;
  /// Inbound: SendingTime (52) in ns since the epoch; 0 if unreadable.
  int64_t sending_ns = 0;
  /// Inbound: MsgSeqNum (34).
  int seq_num = 0;
  /// Inbound Reject (3) and BusinessMessageReject (j): the ClOrdID (11) of
  /// the message of ours it names by RefSeqNum (45), when this engine sent
  /// it since it started.
  std::string ref_cl_ord_id;

  /// The first value of `tag` in the body, or null.
  const std::string* find(int tag) const;
  void add(int tag, std::string value);
};

/// Why an inbound application message is refused. QuickFIX answers the
/// peer with a session Reject (35=3) naming the tag, or a
/// BusinessMessageReject for an unsupported message type.
enum class refusal_kind {
  none,
  missing_tag,       // SessionRejectReason 1
  bad_value,         // 5
  bad_format,        // 6
  unsupported_type,  // BusinessRejectReason 3
};

struct refusal {
  refusal_kind kind = refusal_kind::none;
  int tag = 0;
  std::string text;
  explicit operator bool() const { return kind != refusal_kind::none; }
};

enum class event_kind {
  created,
  logon_sent,
  logged_on,
  /// The session ended. `was_logged_on` false after a logon we sent: the
  /// peer refused it or dropped the connection without a word.
  disconnected,
  /// A QuickFIX session event (connect failures, resend requests, ...).
  note,
};

struct event {
  event_kind kind = event_kind::note;
  std::string session;
  std::string text;
  bool was_logged_on = false;
  /// logged_on: the peer Logon's SendingTime minus our clock when it
  /// arrived, in ns (the peer's clock skew plus one-way latency).
  int64_t peer_skew_ns = 0;
};

struct session_spec {
  std::string begin_string = "FIX.4.4"; // FIX.4.2 or FIX.4.4
  std::string sender_comp_id;
  std::string target_comp_id;
  /// Initiator: where to connect. Acceptor: the port to listen on (all
  /// acceptor sessions of one engine must share it).
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  int heartbeat_s = 30;
  /// Message store directory (sequence numbers and sent messages survive a
  /// restart). Empty: an in-memory store.
  std::string store_dir;
  /// Data dictionary to validate with; empty: the caller validates inbound
  /// messages itself (on_app's refusal) and QuickFIX checks only the frame.
  std::string data_dictionary;
  /// Reset sequence numbers at every logon (both sides start at 1).
  bool reset_on_logon = false;
  /// Latest SendingTime difference accepted, in seconds (FIX convention 120).
  int max_latency_s = 120;
  /// Test peers only: shift the SendingTime of every message sent by this
  /// many ms, as a peer with a wrong clock would.
  int64_t clock_offset_ms = 0;
  /// Acceptor, fault injection: refuse every logon of this session.
  bool refuse_logon = false;
};

struct handlers {
  /// An inbound application message, on a QuickFIX thread. Return a
  /// refusal to have QuickFIX reject it; the message is then not used.
  std::function<refusal(const std::string& session, const message&)> on_app;
  /// Session events, on a QuickFIX thread.
  std::function<void(const event&)> on_event;
};

enum class role { initiator, acceptor };

/// One QuickFIX initiator or acceptor with its sessions.
class engine {
public:
  virtual ~engine();

  /// The session key of a spec: "FIX.4.4:SENDER->TARGET".
  static std::string key_of(const session_spec& s);

  /// Builds the engine; nothing connects until start(). On a configuration
  /// error returns null with the reason in `error`.
  static std::unique_ptr<engine> make(role r, const std::vector<session_spec>& sessions,
                                      handlers h, std::string* error);

  virtual bool start(std::string* error) = 0;
  /// Logs out and joins QuickFIX's threads. Do not call from a callback.
  virtual void stop() = 0;
  /// Sends on a session (QuickFIX fills the header and sequence number);
  /// false with the reason if the session does not exist. A session that is
  /// not logged on queues nothing: the message is stored and resent only if
  /// the peer asks for it.
  virtual bool send(const std::string& session, const message& m, std::string* error) = 0;
  /// Allows or stops (re)connecting. An initiator session is disabled by
  /// the engine as it disconnects, so its owner decides when to reconnect.
  virtual void enable(const std::string& session, bool on) = 0;
  virtual bool logged_on(const std::string& session) = 0;
  /// Drops the connection without a Logout (fault injection, tests).
  virtual void drop(const std::string& session) = 0;
  /// Skips `n` outbound sequence numbers (fault injection: a gap the peer
  /// must ask to be resent).
  virtual void skip_seq(const std::string& session, int n) = 0;
  /// Next outbound and expected inbound sequence numbers.
  virtual std::pair<int, int> seq_nums(const std::string& session) = 0;
  /// Acceptor: the sessions currently logged on.
  virtual std::vector<std::string> sessions_logged_on() = 0;
};

/// FIX UTC timestamp with milliseconds: YYYYMMDD-HH:MM:SS.sss
std::string utc_timestamp(int64_t ns);
/// Parses YYYYMMDD-HH:MM:SS[.sss[sss]]; false if malformed.
bool parse_utc_timestamp(const std::string& s, int64_t* ns);

} // namespace fix
} // namespace om
