package instagram_test

import (
	"context"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// seekablePattern is patternReader with Seek, for resumable sources.
type seekablePattern struct{ patternReader }

func (p *seekablePattern) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += p.off
	case io.SeekEnd:
		off += p.n
	}
	p.off = off
	return off, nil
}

// heapSampler records the largest heap (bytes of live and not yet swept
// objects) seen while it runs.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(s)
		h.peak = max(h.peak, s[0].Value.Uint64())
	}
	read()
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return h
}

func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return h.peak
}

// BenchmarkResumableUpload1GiB streams a generated 1 GiB video to the fake
// server's upload host (which hashes and discards it) and reports the
// process's peak heap: client and server together must stay far below the
// file's size. "interrupted" breaks the upload off at 512 MiB and lets the
// client continue from the server's offset.
func BenchmarkResumableUpload1GiB(b *testing.B) {
	const size = 1 << 30
	for _, name := range []string{"straight", "interrupted"} {
		b.Run(name, func(b *testing.B) {
			srv := instagramtest.NewServer()
			defer srv.Close()
			c, err := srv.FacebookClient(instagram.WithRetryPolicy(instagram.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.SetBytes(size)
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				ct, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{
					MediaType: instagram.ContainerReels, UploadType: "resumable",
				})
				if err != nil {
					b.Fatal(err)
				}
				if name == "interrupted" {
					srv.InjectUploadFailure(size / 2)
				}
				runtime.GC()
				h := sampleHeap()
				err = c.Media.UploadVideo(ctx, ct.ID, &seekablePattern{patternReader{n: size}}, size)
				peak = max(peak, h.Stop())
				if err != nil {
					b.Fatal(err)
				}
				if got, _ := srv.Container(ct.ID); got.BytesReceived != size || got.SHA256 == "" {
					b.Fatalf("server holds %d bytes", got.BytesReceived)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
