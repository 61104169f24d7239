package instagram

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// UploadProgressFunc receives how many bytes of a resumable upload the
// transfer has sent so far and the file's total size. It is called from a
// separate goroutine at most once per interval while bytes move, and once
// more when the upload ends; it must not block for long.
type UploadProgressFunc func(sent, total int64)

type progressKey struct{}

type progressConfig struct {
	fn    UploadProgressFunc
	every time.Duration
}

// WithUploadProgress returns a context that reports the progress of the
// resumable uploads made with it: UploadVideo, UploadVideoAt and the
// Publish* methods given a VideoSource with a Reader. fn is called at most
// once per every (DefaultProgressInterval when every <= 0), never on each
// write, and a last time when the upload returns. After an interruption the
// count restarts from the offset the server holds, so it can move back.
func WithUploadProgress(ctx context.Context, every time.Duration, fn UploadProgressFunc) context.Context {
	if fn == nil {
		return ctx
	}
	if every <= 0 {
		every = DefaultProgressInterval
	}
	return context.WithValue(ctx, progressKey{}, &progressConfig{fn: fn, every: every})
}

// uploadProgress counts the bytes of one upload and reports them from a
// ticker goroutine, so that reads only add to a counter.
type uploadProgress struct {
	cfg   *progressConfig
	total int64
	sent  atomic.Int64
	stopc chan struct{}
	done  chan struct{}
	once  sync.Once
	last  int64
}

// startProgress begins reporting for an upload of total bytes starting at
// offset; it returns nil when ctx asks for no progress. Methods on a nil
// *uploadProgress do nothing.
func startProgress(ctx context.Context, total, offset int64) *uploadProgress {
	cfg, _ := ctx.Value(progressKey{}).(*progressConfig)
	if cfg == nil {
		return nil
	}
	p := &uploadProgress{cfg: cfg, total: total, stopc: make(chan struct{}), done: make(chan struct{}), last: -1}
	p.sent.Store(offset)
	go p.run()
	return p
}

func (p *uploadProgress) run() {
	defer close(p.done)
	t := time.NewTicker(p.cfg.every)
	defer t.Stop()
	p.report()
	for {
		select {
		case <-t.C:
			p.report()
		case <-p.stopc:
			return
		}
	}
}

// report calls the callback if the count moved since the last call. Only
// the reporting goroutine, or stop once it has ended, calls it.
func (p *uploadProgress) report() {
	if n := p.sent.Load(); n != p.last {
		p.last = n
		p.cfg.fn(n, p.total)
	}
}

// restart sets the count to the offset a new attempt starts from.
func (p *uploadProgress) restart(offset int64) {
	if p != nil {
		p.sent.Store(offset)
	}
}

// wrap counts what body and the bodies getBody returns yield.
func (p *uploadProgress) wrap(body io.ReadCloser, getBody func() (io.ReadCloser, error), offset int64) (io.ReadCloser, func() (io.ReadCloser, error)) {
	if p == nil {
		return body, getBody
	}
	p.restart(offset)
	if body != nil {
		body = &progressBody{ReadCloser: body, p: p}
	}
	if getBody != nil {
		inner := getBody
		getBody = func() (io.ReadCloser, error) {
			b, err := inner()
			if err != nil {
				return nil, err
			}
			p.restart(offset)
			return &progressBody{ReadCloser: b, p: p}, nil
		}
	}
	return body, getBody
}

// stop ends reporting with a last call; done reports the whole file as
// sent first.
func (p *uploadProgress) stop(done bool) {
	if p == nil {
		return
	}
	p.once.Do(func() {
		if done {
			p.sent.Store(p.total)
		}
		close(p.stopc)
		<-p.done
		p.report()
	})
}

type progressBody struct {
	io.ReadCloser
	p *uploadProgress
}

func (b *progressBody) Read(buf []byte) (int, error) {
	n, err := b.ReadCloser.Read(buf)
	b.p.sent.Add(int64(n))
	return n, err
}
