package instagramtest

import (
	"hash/fnv"
	"strconv"
)

// Self messaging: an Instagram professional account writes to itself, its
// business side and its own Instagram-scoped id (SelfID) being the two
// parties of one conversation, to try automations without a second
// account. As Meta documents it, the 24-hour window does not apply once
// the account has written to itself in the Instagram app
// (SimulateSelfMessage), quick replies are not supported, and webhook
// deliveries carry is_self: on the message of echoes, on the item of
// postbacks.

// selfIGSID is the account's own Instagram-scoped id, derived from the
// account id so that it is the same on every server.
func selfIGSID(account string) string {
	h := fnv.New64a()
	h.Write([]byte("self:" + account))
	return "1" + strconv.FormatUint(1e14+h.Sum64()%9e14, 10)
}

// isSelfThread tells whether t is the account's conversation with itself.
func isSelfThread(t *thread) bool { return t.UserID == selfIGSID(t.Account) }

// selfThread returns the seeded account, its own IGSID (which goes by the
// account's username) and their conversation, created when new; callers
// hold s.mu.
func (s *Server) selfThread() (account, self string, t *thread) {
	account = s.acct.ID
	self = selfIGSID(account)
	if st := s.people(); st.byID[self] == "" {
		st.byID[self] = s.acct.Username
	}
	return account, self, s.threadFor(account, self, true)
}

// SelfID returns the seeded account's own Instagram-scoped id: the
// recipient of its self messages.
func (s *Server) SelfID() string { return selfIGSID(s.UserID) }

// SimulateSelfMessage makes the account write text to itself in the
// Instagram app: the message lands in its conversation with SelfID, which
// then takes messages sent through the API without a window, and the
// echo Meta documents for it (sender the account, recipient SelfID,
// is_echo and is_self) goes to "messages" subscribers. It returns the
// message id.
func (s *Server) SimulateSelfMessage(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	account, self, t := s.selfThread()
	m := &dm{FromID: account, ToID: self, Text: text}
	s.addMessage(t, m)
	t.LastIncoming = m.Created
	s.echo(m)
	return m.ID
}

// SimulateSelfPostback makes the account tap, in its conversation with
// itself, a button or ice breaker with title and payload: a
// messaging_postbacks delivery with is_self on the item, as in Meta's
// sample. It returns the postback's mid.
func (s *Server) SimulateSelfPostback(title, payload string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	account, self, t := s.selfThread()
	m := &dm{FromID: account, ToID: self, Text: title}
	s.addMessage(t, m)
	s.emitMessaging(account, map[string]any{
		"sender": map[string]string{"id": account}, "recipient": map[string]string{"id": self},
		"timestamp": m.Created.UnixMilli(), "is_self": true,
		"postback": map[string]string{"title": title, "payload": payload, "mid": m.ID},
	})
	return m.ID
}
