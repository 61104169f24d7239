package instagramtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upload sends one resumable upload request; body nil sends file_url.
func upload(t *testing.T, s *Server, token, id string, offset, size int64, body []byte, fileURL string) (answer, error) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/ig-api-upload/v25.0/"+id, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "OAuth "+token)
	}
	if fileURL != "" {
		req.Header.Set("file_url", fileURL)
	} else {
		req.Header.Set("offset", strconv.FormatInt(offset, 10))
		req.Header.Set("file_size", strconv.FormatInt(size, 10))
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := answer{Status: res.StatusCode, Header: res.Header, Raw: b}
	_ = json.Unmarshal(b, &a.JSON)
	return a, nil
}

// uploadMessage digs the message out of the upload host's error shape.
func uploadMessage(t *testing.T, a answer) string {
	t.Helper()
	info, ok := a.JSON["debug_info"].(map[string]any)
	require.Truef(t, ok, "no debug_info in %s", a.Raw)
	var inner struct {
		Error struct{ Message string } `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(info["message"].(string)), &inner))
	return inner.Error.Message
}

// resumable creates a resumable container with Facebook Login, the only
// login Meta documents resumable uploads for.
func resumable(t *testing.T, s *Server) string {
	t.Helper()
	a := postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/media", url.Values{"media_type": {"REELS"}, "upload_type": {"resumable"}})
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	id, _ := a.JSON["id"].(string)
	require.NotEmpty(t, id)
	assert.Equal(t, s.URL+"/ig-api-upload/v25.0/"+id, a.JSON["uri"])
	return id
}

// graph.instagram.com takes no resumable containers.
func TestResumableRefusedOnInstagramLogin(t *testing.T) {
	s := newTestServer(t)
	a := postForm(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media", url.Values{"media_type": {"REELS"}, "upload_type": {"resumable"}})
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	assert.Contains(t, a.graphErr(t)["message"], "video_url")
}

func uploadedBytes(t *testing.T, s *Server, id string) float64 {
	t.Helper()
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"?fields=video_status")
	up := a.JSON["video_status"].(map[string]any)["uploading_phase"].(map[string]any)
	return up["bytes_transferred"].(float64)
}

func TestUploadInChunks(t *testing.T) {
	s := newTestServer(t)
	id := resumable(t, s)
	file := []byte("0123456789")

	a := postForm(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/media", url.Values{"media_type": {"REELS"}, "upload_type": {"resumable"}})
	assert.Equal(t, s.URL+"/ig-api-upload/v25.0/"+a.JSON["id"].(string), a.JSON["uri"])

	c, _ := statusOf(t, s, id)
	assert.Equal(t, "IN_PROGRESS", c)
	assert.Zero(t, uploadedBytes(t, s, id))
	pub := publishForm(t, s, id)
	code, _ := pub.code(t)
	assert.Equal(t, 9007, code, "nothing to publish before the upload")

	a, err := upload(t, s, s.FacebookAccessToken, id, 0, 10, file[:4], "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, true, a.JSON["success"])
	assert.Equal(t, 4.0, uploadedBytes(t, s, id))

	a, err = upload(t, s, s.FacebookAccessToken, id, 2, 10, file[2:], "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Contains(t, uploadMessage(t, a), "does not match the 4 bytes received")
	a, err = upload(t, s, s.FacebookAccessToken, id, 4, 12, file[4:], "")
	require.NoError(t, err)
	assert.Contains(t, uploadMessage(t, a), "file_size 12 differs")

	a, err = upload(t, s, s.FacebookAccessToken, id, 4, 10, file[4:], "")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.Status)
	ct, _ := s.Container(id)
	sum := sha256.Sum256(file)
	assert.Equal(t, hex.EncodeToString(sum[:]), ct.SHA256)
	assert.Equal(t, int64(10), ct.BytesReceived)

	a, err = upload(t, s, s.FacebookAccessToken, id, 10, 10, []byte{}, "")
	require.NoError(t, err)
	assert.Equal(t, "Upload already complete.", a.JSON["message"])

	v := get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"?fields=video_status").JSON["video_status"].(map[string]any)
	assert.Equal(t, "complete", v["uploading_phase"].(map[string]any)["status"])
	assert.Equal(t, 10.0, v["uploading_phase"].(map[string]any)["source_file_size"])
	statusOf(t, s, id) // processing: the first read after the upload
	c, _ = statusOf(t, s, id)
	assert.Equal(t, "FINISHED", c)
	require.Equal(t, http.StatusOK, publishForm(t, s, id).Status)
}

func TestUploadRejects(t *testing.T) {
	s := newTestServer(t)
	id := resumable(t, s)
	img := createContainerForm(t, s, url.Values{"image_url": {"https://a/b.jpg"}})

	a, err := upload(t, s, "", id, 0, 3, []byte("abc"), "")
	require.NoError(t, err)
	code, _ := a.code(t)
	assert.Equal(t, 104, code, "a token is required")

	a, err = upload(t, s, s.FacebookAccessToken, img, 0, 3, []byte("abc"), "")
	require.NoError(t, err)
	assert.Contains(t, uploadMessage(t, a), "resumable")
	a, err = upload(t, s, s.FacebookAccessToken, "17999999999999999", 0, 3, []byte("abc"), "")
	require.NoError(t, err)
	assert.Equal(t, "unauthorized user request", uploadMessage(t, a))
	a, err = upload(t, s, s.FacebookAccessToken, id, 0, 0, []byte("abc"), "")
	require.NoError(t, err)
	assert.Contains(t, uploadMessage(t, a), "file_size")
	assert.Equal(t, false, a.JSON["debug_info"].(map[string]any)["retriable"])
}

func TestUploadFromFileURL(t *testing.T) {
	s := newTestServer(t)
	id := resumable(t, s)
	a, err := upload(t, s, s.FacebookAccessToken, id, 0, 0, nil, "https://cdn.example.com/clip.mp4")
	require.NoError(t, err)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	statusOf(t, s, id)
	c, _ := statusOf(t, s, id)
	assert.Equal(t, "FINISHED", c)

	bad := resumable(t, s)
	_, err = upload(t, s, s.FacebookAccessToken, bad, 0, 0, nil, "https://cdn.example.com/error.mp4")
	require.NoError(t, err)
	c, text := statusOf(t, s, bad)
	assert.Equal(t, "ERROR", c)
	assert.Contains(t, text, "2207026")
}

func TestInjectedUploadFailureKeepsBytesBeforeIt(t *testing.T) {
	s := newTestServer(t)
	id := resumable(t, s)
	file := bytes.Repeat([]byte("abcdefgh"), 64<<10) // 512 KiB
	s.InjectUploadFailure(100_000)

	_, err := upload(t, s, s.FacebookAccessToken, id, 0, int64(len(file)), file, "")
	require.Error(t, err, "the connection is dropped")
	assert.Equal(t, 100_000.0, uploadedBytes(t, s, id))
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"?fields=video_status")
	assert.Equal(t, "in_progress", a.JSON["video_status"].(map[string]any)["uploading_phase"].(map[string]any)["status"])

	a, err = upload(t, s, s.FacebookAccessToken, id, 100_000, int64(len(file)), file[100_000:], "")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.Status)
	ct, _ := s.Container(id)
	sum := sha256.Sum256(file)
	assert.Equal(t, hex.EncodeToString(sum[:]), ct.SHA256)
}

// TestServerAnswersDuringAnUpload checks that a long upload does not hold
// the server: status reads are answered while the body is still arriving.
func TestServerAnswersDuringAnUpload(t *testing.T) {
	s := newTestServer(t)
	id := resumable(t, s)
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/ig-api-upload/v25.0/"+id, pr)
	require.NoError(t, err)
	req.ContentLength = 8
	req.Header.Set("Authorization", "OAuth "+s.FacebookAccessToken)
	req.Header.Set("offset", "0")
	req.Header.Set("file_size", "8")
	done := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- answer{}
			return
		}
		defer res.Body.Close()
		done <- answer{Status: res.StatusCode}
	}()
	_, err = pw.Write([]byte("abcd"))
	require.NoError(t, err)
	// The first half is in; the server still answers other calls.
	for uploadedBytes(t, s, id) == 0 {
		a := get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"?fields=video_status")
		up := a.JSON["video_status"].(map[string]any)["uploading_phase"].(map[string]any)
		if up["status"] == "in_progress" {
			break
		}
	}
	a, err := upload(t, s, s.FacebookAccessToken, id, 0, 8, []byte("abcdefgh"), "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusConflict, a.Status, "one upload per container at a time")
	_, err = pw.Write([]byte("efgh"))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	assert.Equal(t, http.StatusOK, (<-done).Status)
	assert.Equal(t, 8.0, uploadedBytes(t, s, id))
}
