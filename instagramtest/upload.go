package instagramtest

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// This file adds the resumable upload host:
// POST /ig-api-upload/{version}/{ig-container-id}, served on the server's
// own address (Client points WithUploadURL at it). A request carries the
// token (Authorization: OAuth <token>, or Bearer), the offset its body
// starts at and the file's total size, or a file_url header to have the
// host fetch the file. The body is streamed into a SHA-256 digest and
// discarded, so the server's memory does not grow with the file. Bytes
// received are reported by the container's
// video_status.uploading_phase.bytes_transferred; a body shorter than the
// rest of the file is accepted as a chunk, and the next request must start
// at the received offset. InjectUploadFailure breaks off an upload at a
// given file offset: the bytes before it are kept, the connection is
// dropped.

func setupUploads(s *Server) {
	s.handleRaw("POST /ig-api-upload/{version}/{id}", receiveUpload)
}

// InjectUploadFailure makes the next upload request whose body crosses
// file byte atOffset stop there: the server keeps the bytes before
// atOffset and drops the connection without answering. Several failures
// may be pending; each fires once.
func (s *Server) InjectUploadFailure(atOffset int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := publishing(s)
	st.cuts = append(st.cuts, atOffset)
}

// uploadFail answers an error in the upload host's shape:
// {"debug_info":{"retriable":..,"type":"ProcessingFailedError","message":"{...}"}}.
func uploadFail(c *call, status int, retriable bool, format string, args ...any) {
	inner, _ := json.Marshal(map[string]any{"success": false, "error": map[string]string{"message": fmt.Sprintf(format, args...)}})
	c.writeJSON(status, map[string]any{"debug_info": map[string]any{
		"retriable": retriable, "type": "ProcessingFailedError", "message": string(inner),
	}})
}

func uploadOK(c *call, msg string) {
	c.writeJSON(http.StatusOK, map[string]any{"success": true, "message": msg})
}

// receiveUpload answers POST /ig-api-upload/{version}/{id}. It releases
// s.mu while the body streams in, so that other calls (status polls among
// them) are served during a long upload.
func receiveUpload(c *call) {
	if !c.authorize() {
		return
	}
	id := c.pathValue("id")
	ct, ok := objectOf[*container](c.s, id)
	if !ok || ct.OwnerID != c.tok.account {
		uploadFail(c, http.StatusBadRequest, false, "unauthorized user request")
		return
	}
	if !ct.Resumable {
		uploadFail(c, http.StatusBadRequest, false, "container %s was not created with upload_type=resumable", id)
		return
	}
	if ct.Uploaded {
		uploadOK(c, "Upload already complete.")
		return
	}
	if ct.Uploading {
		uploadFail(c, http.StatusConflict, true, "another upload to this container is in progress")
		return
	}
	if fileURL := strings.TrimSpace(c.r.Header.Get("file_url")); fileURL != "" {
		ct.FileURL = fileURL
		ct.Uploaded, ct.ReadyFrom, ct.Reads = true, c.s.now(), 0
		if strings.Contains(strings.ToLower(fileURL), "error") {
			ct.FailStatus = failText(ct)
		}
		uploadOK(c, "Upload successful.")
		return
	}
	offset, oerr := strconv.ParseInt(strings.TrimSpace(c.r.Header.Get("offset")), 10, 64)
	size, serr := strconv.ParseInt(strings.TrimSpace(c.r.Header.Get("file_size")), 10, 64)
	switch {
	case oerr != nil || serr != nil || offset < 0 || size <= 0:
		uploadFail(c, http.StatusBadRequest, false, "the offset and file_size headers are required")
		return
	case ct.FileSize != 0 && size != ct.FileSize:
		uploadFail(c, http.StatusBadRequest, false, "file_size %d differs from the %d announced before", size, ct.FileSize)
		return
	case offset != ct.Received:
		uploadFail(c, http.StatusBadRequest, false, "offset %d does not match the %d bytes received", offset, ct.Received)
		return
	case offset >= size:
		uploadFail(c, http.StatusBadRequest, false, "offset %d is beyond the file size %d", offset, size)
		return
	}

	st := publishing(c.s)
	limit, cut := size-offset, int64(-1)
	for _, at := range st.cuts {
		if at > offset && at < size && at-offset < limit {
			limit, cut = at-offset, at
		}
	}
	if ct.hash == nil {
		ct.hash = newSHA256()
	}
	ct.FileSize, ct.Uploading = size, true
	digest := ct.hash

	c.s.mu.Unlock()
	n, err := io.CopyN(digest, c.r.Body, limit)
	c.s.mu.Lock()

	ct.Uploading = false
	ct.Received += n
	if cut >= 0 && n == limit {
		if i := slices.Index(st.cuts, cut); i >= 0 {
			st.cuts = slices.Delete(st.cuts, i, i+1)
		}
		dropConnection(c.w)
		return
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return // the client went away; nothing can be answered
	}
	if ct.Received == ct.FileSize {
		ct.Uploaded, ct.ReadyFrom, ct.Reads = true, c.s.now(), 0
		ct.SHA256 = hex.EncodeToString(ct.hash.Sum(nil))
		ct.hash = nil
	}
	uploadOK(c, "Upload successful.")
}
