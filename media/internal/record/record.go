// Package record is the `record` role of mirae-media: it joins a lecture's room as a hidden,
// subscribe-only participant and writes the teacher's video and microphone into a WebM file as
// the RTP arrives (depacketized, never decoded or re-encoded).
//
// What it prints on stdout, one JSON object a line, for the app's supervisor:
//
//	{"event":"started","at":<unix ms of the file's time 0>}
//	{"event":"closed","durationMs":N}
//
// Exit status: 0 closed with a recording, 3 closed with nothing recorded, 1 failed.
package record

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/livekit/server-sdk-go/v2/pkg/samplebuilder"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
)

// keyframeEveryMs: how often the recorder asks for a keyframe, so that seeking in the file
// decodes at most this much video (each one costs the publisher one keyframe).
const keyframeEveryMs = 10_000

// A frame read from one subscribed track.
type frame struct {
	source   livekit.TrackSource
	ssrc     webrtc.SSRC // which track (two teachers' cameras share a source)
	video    bool
	keyframe bool
	ms       int64 // on the recorder's clock (ms since it started)
	data     []byte
}

// trackClock maps a track's RTP timestamps onto the recorder's clock: the first frame at its
// arrival time, the rest by their RTP distance from it (smooth, and in step across tracks).
type trackClock struct {
	started bool
	last    uint32
	elapsed int64 // RTP ticks since the first frame
	baseMs  int64
	rate    int64
}

func (c *trackClock) ms(ts uint32, nowMs int64) int64 {
	if !c.started {
		c.started, c.last, c.baseMs = true, ts, nowMs
		return nowMs
	}
	c.elapsed += int64(int32(ts - c.last))
	c.last = ts
	return c.baseMs + c.elapsed*1000/c.rate
}

// videoTrackRef is a subscribed video track: its SSRC (to tell it from a later track of the
// same source) and how to ask it for a keyframe.
type videoTrackRef struct {
	ssrc webrtc.SSRC
	pli  func()
}

// addVideo notes a subscribed video track of `source` (its top layer `width` wide). The first
// teacher's camera (or screen) is recorded; another's of the same source is read and dropped
// until the first one goes.
func (r *recorder) addVideo(source livekit.TrackSource, ssrc webrtc.SSRC, pli func(), width uint32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.pli[source]; !taken {
		r.pli[source] = videoTrackRef{ssrc: ssrc, pli: pli}
		// A new screen share takes over from the camera with its first picture, not at its
		// subscription: its first keyframe may take seconds (seen: 9 s on a busy machine), and
		// the camera was not written meanwhile.
		r.blank[source] = source == livekit.TrackSource_SCREEN_SHARE
	}
	if width > 0 {
		r.topWidth[source] = width
	}
}

// forget drops a source's track if it is still this one.
func (r *recorder) forget(source livekit.TrackSource, ssrc webrtc.SSRC) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ref, ok := r.pli[source]; ok && ref.ssrc == ssrc {
		delete(r.pli, source)
		delete(r.blank, source)
		return true
	}
	return false
}

type recorder struct {
	out    string
	epoch  time.Time
	frames chan frame
	mu     sync.Mutex
	// PLI senders of the subscribed video tracks, by source.
	pli map[livekit.TrackSource]videoTrackRef
	// Sources without a picture: a screen share until its first keyframe with one (the camera
	// is recorded meanwhile), or whose last keyframe was tiny.
	blank map[livekit.TrackSource]bool
	// Width of each video source's top simulcast layer (what the recording waits for).
	topWidth map[livekit.TrackSource]uint32
	// Whether the teacher publishes a microphone (decides the audio track when the file starts).
	micPublished bool
	opusChannels uint16
	micSSRC      webrtc.SSRC // the microphone recorded (the first teacher's)
	stop         chan struct{}
	stopOnce     sync.Once
}

func (r *recorder) nowMs() int64 { return time.Since(r.epoch).Milliseconds() }

func (r *recorder) requestStop() { r.stopOnce.Do(func() { close(r.stop) }) }

func emit(v map[string]any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(os.Stdout, string(b))
}

func isTeacher(p *lksdk.RemoteParticipant) bool {
	var meta struct {
		Role string `json:"role"`
	}
	_ = json.Unmarshal([]byte(p.Metadata()), &meta)
	return meta.Role == "teacher"
}

var wanted = map[livekit.TrackSource]bool{
	livekit.TrackSource_CAMERA:       true,
	livekit.TrackSource_SCREEN_SHARE: true,
	livekit.TrackSource_MICROPHONE:   true,
}

// consider subscribes to a teacher's camera, screen share and microphone.
func (r *recorder) consider(pub *lksdk.RemoteTrackPublication, p *lksdk.RemoteParticipant) {
	if !isTeacher(p) || !wanted[pub.Source()] {
		return
	}
	if pub.Source() == livekit.TrackSource_MICROPHONE {
		r.mu.Lock()
		r.micPublished = true
		r.mu.Unlock()
	} else {
		// Ask for the top simulcast layer before the first subscription settings go out.
		_ = pub.SetVideoQuality(livekit.VideoQuality_HIGH)
	}
	fmt.Fprintf(os.Stderr, "subscribing to %s %s of %s\n", pub.Source(), pub.SID(), p.Identity())
	if err := pub.SetSubscribed(true); err != nil {
		fmt.Fprintf(os.Stderr, "subscribe %s: %v\n", pub.SID(), err)
	}
}

func (r *recorder) onSubscribed(track *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, p *lksdk.RemoteParticipant) {
	mime := strings.ToLower(track.Codec().MimeType)
	source := pub.Source()
	note("subscribed to %s %s (%s)", source, pub.SID(), mime)
	video := mime == "video/vp8"
	if !video && mime != "audio/opus" {
		fmt.Fprintf(os.Stderr, "not recorded: %s track %s (only VP8 and Opus are)\n", mime, pub.SID())
		return
	}
	var sb *samplebuilder.SampleBuilder
	if video {
		// The highest simulcast layer (720p): what was taught, at its best.
		_ = pub.SetVideoQuality(livekit.VideoQuality_HIGH)
		pli := func() { p.WritePLI(track.SSRC()) }
		var width uint32
		if info := pub.TrackInfo(); info != nil {
			width = info.Width
		}
		r.addVideo(source, track.SSRC(), pli, width)
		pli()
		sb = samplebuilder.New(200, &codecs.VP8Packet{}, track.Codec().ClockRate,
			samplebuilder.WithPacketDroppedHandler(func() {
				r.frames <- frame{source: source, ssrc: track.SSRC(), video: true, ms: -1}
			}))
	} else {
		r.mu.Lock()
		r.opusChannels = track.Codec().Channels
		if r.micSSRC == 0 {
			r.micSSRC = track.SSRC()
		}
		r.mu.Unlock()
		sb = samplebuilder.New(50, &codecs.OpusPacket{}, track.Codec().ClockRate)
	}
	clock := &trackClock{rate: int64(track.Codec().ClockRate)}
	go func() {
		defer func() {
			if !video {
				r.mu.Lock()
				if r.micSSRC == track.SSRC() {
					r.micSSRC = 0 // the next microphone (the teacher rejoins) is recorded
				}
				r.mu.Unlock()
			}
			if video && r.forget(source, track.SSRC()) {
				select {
				case r.frames <- frame{source: source, ssrc: track.SSRC(), video: true, ms: -2}:
				case <-r.stop:
				}
			}
		}()
		for {
			pkt, _, err := track.ReadRTP()
			if err != nil {
				return
			}
			sb.Push(pkt)
			for {
				s, ts := sb.PopWithTimestamp()
				if s == nil {
					break
				}
				select {
				case r.frames <- frame{
					source: source, ssrc: track.SSRC(), video: video,
					keyframe: video && isVP8Keyframe(s.Data),
					ms:       clock.ms(ts, r.nowMs()), data: s.Data,
				}:
				case <-r.stop:
					return
				}
			}
		}
	}()
}

// onUnsubscribed: a video source that goes (screen share stopped) hands back at once, without
// waiting for its reader to notice.
func (r *recorder) onUnsubscribed(track *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
	if track.Kind() != webrtc.RTPCodecTypeVideo {
		return
	}
	if !r.forget(pub.Source(), track.SSRC()) {
		return
	}
	select {
	case r.frames <- frame{source: pub.Source(), ssrc: track.SSRC(), video: true, ms: -2}:
	case <-r.stop:
	}
}

// activeSource: the screen share while there is one, else the camera.
func (r *recorder) activeSource() livekit.TrackSource {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.pli[livekit.TrackSource_SCREEN_SHARE]; ok && !r.blank[livekit.TrackSource_SCREEN_SHARE] {
		return livekit.TrackSource_SCREEN_SHARE
	}
	return livekit.TrackSource_CAMERA
}

// isBlank: whether a subscribed source sends only tiny keyframes (no picture).
func (r *recorder) isBlank(source livekit.TrackSource) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.pli[source]
	return ok && r.blank[source]
}

// current: whether a frame comes from the track recorded for its source.
func (r *recorder) current(f frame) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !f.video {
		return f.ssrc == r.micSSRC
	}
	ref, ok := r.pli[f.source]
	return ok && ref.ssrc == f.ssrc
}

func (r *recorder) askKeyframe(source livekit.TrackSource) {
	r.mu.Lock()
	ref, ok := r.pli[source]
	r.mu.Unlock()
	if ok {
		ref.pli()
	}
}

// write is the one writer: it starts the file at the first video keyframe, switches sources on
// keyframes, waits for a keyframe after lost packets, and keeps timestamps rising per track.
func (r *recorder) write() (int64, error) {
	var mux *muxer
	var zero int64
	// Frames held from the first keyframe until the microphone is known (the teacher's page
	// publishes it just after the camera): the audio track must be in the file's header.
	var pending []frame
	holdUntil := int64(-1)
	var lastW uint64
	var curSSRC webrtc.SSRC
	lastKeyAt := int64(0) // recorder clock of the last keyframe written
	var source livekit.TrackSource = -1
	needKey := true
	lastAsk := int64(-10_000)
	var lastVideo, lastAudio int64 = -1, -1
	// Where a gap in the file comes from: the recorded track's frames as they arrive, as
	// written, and the frames skipped while waiting for a keyframe (noted at the close).
	var arrived, written gapMeter
	arrivedNew := true
	skipped := 0
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	put := func(f frame) error {
		if f.video {
			ms := f.ms - zero
			if ms <= lastVideo {
				ms = lastVideo + 1
			}
			lastVideo = ms
			written.add(ms, false) // as the file has it, across every switch
			return mux.write(videoTrack, f.keyframe, ms, f.data)
		}
		ms := f.ms - zero
		if ms <= lastAudio {
			ms = lastAudio + 1
		}
		lastAudio = ms
		return mux.write(audioTrack, true, ms, f.data)
	}
	begin := func() error {
		r.mu.Lock()
		audio, ch := r.micPublished, r.opusChannels
		r.mu.Unlock()
		var err error
		if mux, err = newMuxer(r.out, pending[0].data, audio, ch); err != nil {
			return err
		}
		emit(map[string]any{"event": "started", "at": r.epoch.UnixMilli() + zero})
		lastW, _ = vp8Size(pending[0].data)
		lastKeyAt = r.nowMs()
		for _, f := range pending {
			if err := put(f); err != nil {
				return err
			}
		}
		pending = nil
		return nil
	}
	micKnown := func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.micPublished && r.opusChannels > 0
	}
	finish := func() (int64, error) {
		if mux == nil && len(pending) > 0 {
			if err := begin(); err != nil {
				return 0, err
			}
		}
		if mux == nil {
			return 0, nil
		}
		if arrived.started {
			arrived.at -= zero
		}
		note("video gaps: largest as it arrived %s, as written %s; %d frames skipped waiting for keyframes",
			&arrived, &written, skipped)
		err := mux.close()
		return mux.lastMs, err
	}
	for {
		select {
		case <-r.stop:
			return finish()
		case <-tick.C:
			if mux != nil && !needKey && r.nowMs()-lastKeyAt >= keyframeEveryMs && r.nowMs()-lastAsk >= 1000 {
				// WebRTC sends keyframes only when asked: without these a seek would decode
				// from the start of the lecture.
				lastAsk = r.nowMs()
				r.askKeyframe(source)
			}
			if mux != nil {
				mux.writeDuration()
			} else if len(pending) > 0 && r.nowMs() >= holdUntil {
				if err := begin(); err != nil {
					return 0, err
				}
			}
			if needKey && r.nowMs()-lastAsk >= 1000 {
				lastAsk = r.nowMs()
				r.askKeyframe(r.activeSource())
			}
			if r.isBlank(livekit.TrackSource_SCREEN_SHARE) && r.nowMs()/1000%2 == 0 {
				r.askKeyframe(livekit.TrackSource_SCREEN_SHARE) // has it a picture yet?
			}
		case f := <-r.frames:
			if f.video {
				if f.keyframe && f.ms >= 0 && r.current(f) {
					// A source whose keyframes are tiny has no picture (Chromium's stopped or
					// blank screen capture): the camera is recorded meanwhile.
					w, h := vp8Size(f.data)
					blank := w < 32 || h < 32
					r.mu.Lock()
					if r.blank[f.source] != blank {
						note("%s keyframe %dx%d: blank %v", f.source, w, h, blank)
					}
					r.blank[f.source] = blank
					r.mu.Unlock()
				}
				active := r.activeSource()
				if active != source {
					source, needKey = active, true
					arrivedNew = true
					r.askKeyframe(active)
					lastAsk = r.nowMs()
				}
				if f.source != source {
					continue
				}
				if f.ms >= 0 && !r.current(f) {
					continue // another teacher's camera, or a track that has gone
				}
				if f.ssrc != curSSRC && f.ms >= 0 {
					// A new track for the source (a teacher who rejoined): its own keyframe first.
					curSSRC, needKey = f.ssrc, true
					arrivedNew = true
				}
				if f.ms >= 0 {
					arrived.add(f.ms, arrivedNew)
					arrivedNew = false
				}
				if f.ms < 0 { // packets lost (-1) or track gone (-2): wait for a keyframe
					if mux != nil {
						note("%s at %d ms: %s, waiting for a keyframe", source, r.nowMs()-zero,
							map[bool]string{true: "packets lost", false: "track ended"}[f.ms == -1])
					}
					needKey = true
					r.askKeyframe(source)
					lastAsk = r.nowMs()
					continue
				}
				if f.keyframe {
					// Chromium ends a stopped track (screen share stopped, page closing) with
					// tiny black frames: never a lecture's picture, so not recorded.
					if w, h := vp8Size(f.data); w < 32 || h < 32 {
						needKey = true
						continue
					}
				}
				if f.keyframe && mux != nil {
					if w, h := vp8Size(f.data); w != lastW {
						note("%s at %d ms: now %dx%d (its frame time %d ms from its arrival)", source, f.ms-zero, w, h, f.ms-r.nowMs())
						lastW = w
					}
				}
				if needKey && !f.keyframe {
					if mux != nil {
						skipped++
					}
					continue
				}
				needKey = false
				if mux == nil {
					// The media server starts a subscription on a low simulcast layer and
					// moves up: the file starts at the first keyframe of the top layer (or
					// the largest seen within 3 s).
					if f.keyframe && len(pending) > 0 {
						w0, _ := vp8Size(pending[0].data)
						if w, _ := vp8Size(f.data); w > w0 {
							pending = pending[:0]
						}
					}
					if len(pending) == 0 {
						zero = f.ms
						arrived = gapMeter{} // what came before the file's first frame is not in it
						arrived.add(f.ms, false)
						if holdUntil < 0 {
							holdUntil = r.nowMs() + 3000
						}
					}
					pending = append(pending, f)
					w, _ := vp8Size(pending[0].data)
					r.mu.Lock()
					top := r.topWidth[source]
					r.mu.Unlock()
					if (micKnown() && uint64(top) <= w) || r.nowMs() >= holdUntil {
						if err := begin(); err != nil {
							return 0, err
						}
					}
					continue
				}
				if f.keyframe {
					lastKeyAt = r.nowMs()
				}
				if err := put(f); err != nil {
					return mux.lastMs, err
				}
			} else if f.source == livekit.TrackSource_MICROPHONE && len(pending)+boolInt(mux != nil) > 0 && f.ms >= zero && r.current(f) {
				if mux == nil {
					pending = append(pending, f)
					continue
				}
				if err := put(f); err != nil {
					return mux.lastMs, err
				}
			}
		}
	}
}

func newRecorder(out string) *recorder {
	return &recorder{
		out: out, epoch: time.Now(), frames: make(chan frame, 256),
		pli: map[livekit.TrackSource]videoTrackRef{}, blank: map[livekit.TrackSource]bool{}, topWidth: map[livekit.TrackSource]uint32{},
		stop: make(chan struct{}),
	}
}

// Main runs `mirae-media record`; it returns the exit status.
func Main(args []string) int {
	fs := flag.NewFlagSet("record", flag.ExitOnError)
	url := fs.String("url", "", "LiveKit server URL (ws:// or wss://)")
	out := fs.String("out", "", "WebM file to write")
	maxDuration := fs.Duration("max-duration", 6*time.Hour, "stop after this long")
	_ = fs.Parse(args)
	token := os.Getenv("MIRAE_MEDIA_TOKEN")
	if *url == "" || *out == "" || token == "" {
		fmt.Fprintln(os.Stderr, "record needs --url, --out and MIRAE_MEDIA_TOKEN")
		return 2
	}
	r := newRecorder(*out)
	cb := &lksdk.RoomCallback{
		ParticipantCallback: lksdk.ParticipantCallback{
			OnTrackPublished:    r.consider,
			OnTrackSubscribed:   r.onSubscribed,
			OnTrackUnsubscribed: r.onUnsubscribed,
			OnTrackSubscriptionFailed: func(sid string, p *lksdk.RemoteParticipant) {
				note("subscription to %s of %s failed", sid, p.Identity())
			},
		},
		OnDisconnected: r.requestStop,
	}
	room, err := lksdk.ConnectToRoomWithToken(*url, token, cb, lksdk.WithAutoSubscribe(false))
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not join the room: %v\n", err)
		return 1
	}
	for _, p := range room.GetRemoteParticipants() {
		for _, pub := range p.TrackPublications() {
			if rp, ok := pub.(*lksdk.RemoteTrackPublication); ok {
				r.consider(rp, p)
			}
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		select {
		case <-sig:
		case <-time.After(*maxDuration):
		}
		r.requestStop()
	}()
	durationMs, werr := r.write()
	room.Disconnect()
	if werr != nil {
		fmt.Fprintf(os.Stderr, "writing %s: %v\n", *out, werr)
		return 1
	}
	emit(map[string]any{"event": "closed", "durationMs": durationMs})
	if durationMs == 0 {
		return 3
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// note tells the supervisor's log (and the bench) what happened to the picture.
func note(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "note: "+format+"\n", args...)
}
