package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"sync"

	"github.com/at-wat/ebml-go/mkvcore"
	"github.com/at-wat/ebml-go/webm"
)

// Track numbers in the written file.
const (
	videoTrack = 1
	audioTrack = 2
)

// cuesReserved is the room kept at the front of the file for the seek index written on a
// clean close: about 20 bytes a cue, one cue a cluster, so hours of clusters fit (ebml-go
// thins the index out when it does not).
const cuesReserved = 96 * 1024

// muxer writes VP8 and Opus frames into one WebM file without touching their bytes. The file
// is playable at every moment: its segment and clusters have unknown sizes, and its Duration
// is rewritten in place every second, so a recorder killed mid-lecture leaves a file that
// plays to within a second of where it stopped. A clean close adds the Cues (seeking without
// reading the whole file) and the exact Duration.
type muxer struct {
	mu       sync.Mutex
	file     *os.File
	writers  []webm.BlockWriteCloser
	hasAudio bool
	durPos   int64 // offset of the Duration float, -1 when not found
	lastMs   int64
	closed   bool
}

// vp8Size reads the frame size from a VP8 keyframe header (RFC 6386 §9.1).
func vp8Size(frame []byte) (uint64, uint64) {
	if len(frame) < 10 || frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a {
		return 1280, 720
	}
	w := binary.LittleEndian.Uint16(frame[6:8]) & 0x3fff
	h := binary.LittleEndian.Uint16(frame[8:10]) & 0x3fff
	return uint64(w), uint64(h)
}

// isVP8Keyframe: the P bit of the first byte of a VP8 frame is 0 on keyframes.
func isVP8Keyframe(frame []byte) bool {
	return len(frame) > 0 && frame[0]&0x01 == 0
}

// newMuxer creates the file and writes its header; `keyframe` sets the video size.
func newMuxer(path string, keyframe []byte, audio bool, opusChannels uint16) (*muxer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	w, h := vp8Size(keyframe)
	tracks := []webm.TrackEntry{{
		Name: "Video", TrackNumber: videoTrack, TrackUID: 1, CodecID: "V_VP8", TrackType: 1,
		Video: &webm.Video{PixelWidth: w, PixelHeight: h},
	}}
	if audio {
		if opusChannels == 0 {
			opusChannels = 2
		}
		tracks = append(tracks, webm.TrackEntry{
			Name: "Audio", TrackNumber: audioTrack, TrackUID: 2, CodecID: "A_OPUS", TrackType: 2,
			CodecPrivate: opusHead(opusChannels), CodecDelay: 6500000, SeekPreRoll: 80000000,
			Audio: &webm.Audio{SamplingFrequency: 48000, Channels: uint64(opusChannels)},
		})
	}
	info := &webm.Info{TimecodeScale: 1000000, MuxingApp: "mirae-media", WritingApp: "mirae-media"}
	ws, err := webm.NewSimpleBlockWriter(f, tracks,
		mkvcore.WithSegmentInfo(info),
		mkvcore.WithSeekHead(true),
		mkvcore.WithCues(cuesReserved),
		// Clusters start on video keyframes (at least 1 s apart), at most ~32 s long.
		mkvcore.WithMinMaxClusterDuration(videoTrack, 1000, 0x7fff),
	)
	if err != nil {
		f.Close()
		return nil, err
	}
	m := &muxer{file: f, writers: ws, hasAudio: audio, durPos: -1}
	m.durPos = findDuration(path)
	return m, nil
}

// findDuration finds the 8-byte Duration float in the written header (ID 0x4489, size 8).
func findDuration(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, _ := f.Read(head)
	i := bytes.Index(head[:n], []byte{0x44, 0x89, 0x88})
	if i < 0 {
		return -1
	}
	return int64(i + 3)
}

// opusHead is the OpusHead CodecPrivate (RFC 7845 §5.1) WebM asks for.
func opusHead(channels uint16) []byte {
	b := []byte("OpusHead")
	b = append(b, 1, byte(channels))
	b = binary.LittleEndian.AppendUint16(b, 312) // pre-skip, Chrome's encoder's
	b = binary.LittleEndian.AppendUint32(b, 48000)
	b = binary.LittleEndian.AppendUint16(b, 0)
	return append(b, 0)
}

var errClosed = errors.New("muxer closed")

// write adds one frame at `ms` (milliseconds from the start of the file).
func (m *muxer) write(track int, keyframe bool, ms int64, frame []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	if track == audioTrack && !m.hasAudio {
		return nil
	}
	if ms > m.lastMs {
		m.lastMs = ms
	}
	_, err := m.writers[track-1].Write(keyframe, ms, frame)
	return err
}

// writeDuration rewrites the Duration in place (a crash then leaves the right length).
func (m *muxer) writeDuration() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.durPos < 0 {
		return
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], math.Float64bits(float64(m.lastMs)))
	_, _ = m.file.WriteAt(b[:], m.durPos)
}

// close writes the Cues and the final Duration and closes the file.
func (m *muxer) close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	var first error
	for _, w := range m.writers {
		if err := w.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
