package record

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestTrackClockFollowsRTPAcrossWrap(t *testing.T) {
	c := &trackClock{rate: 90000}
	if got := c.ms(math.MaxUint32-8999, 1000); got != 1000 {
		t.Fatalf("first frame at its arrival: got %d", got)
	}
	// 0.1 s later in RTP time, across the 32-bit wrap, whatever the arrival jitter.
	if got := c.ms(0, 1337); got != 1100 {
		t.Fatalf("after the wrap: got %d, want 1100", got)
	}
	if got := c.ms(90000, 5000); got != 2100 {
		t.Fatalf("one second on: got %d, want 2100", got)
	}
}

// A VP8 keyframe header (RFC 6386 9.1): frame tag, start code, 14-bit width and height.
func keyframe(w, h uint16) []byte {
	b := []byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a}
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	return append(b, make([]byte, 32)...)
}

func TestVP8Keyframes(t *testing.T) {
	k := keyframe(1280, 720)
	if !isVP8Keyframe(k) || isVP8Keyframe([]byte{0x11}) {
		t.Fatal("the P bit tells keyframes from the rest")
	}
	if w, h := vp8Size(k); w != 1280 || h != 720 {
		t.Fatalf("size %dx%d", w, h)
	}
}

// The file is written as frames come, its Duration rewritten in place; a clean close leaves
// the exact length and the Cues in the space kept for them.
func TestMuxerDurationAndCues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.webm")
	m, err := newMuxer(path, keyframe(640, 360), true, 2)
	if err != nil {
		t.Fatal(err)
	}
	if m.durPos < 0 {
		t.Fatal("the Duration element is found in the header")
	}
	for i := int64(0); i < 90; i++ {
		if err := m.write(videoTrack, i%30 == 0, i*33, keyframe(640, 360)); err != nil {
			t.Fatal(err)
		}
		if err := m.write(audioTrack, true, i*33+5, []byte{0xfc, 0xff, 0xfe}); err != nil {
			t.Fatal(err)
		}
	}
	m.writeDuration()
	if got := readDuration(t, path, m.durPos); got != 89*33+5 {
		t.Fatalf("rewritten Duration %v (a killed recorder leaves this)", got)
	}
	if err := m.close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte{0x1c, 0x53, 0xbb, 0x6b}) {
		t.Fatal("a clean close writes the Cues")
	}
	if got := readDuration(t, path, m.durPos); got != 89*33+5 {
		t.Fatalf("final Duration %v", got)
	}
}

func readDuration(t *testing.T, path string, at int64) float64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b [8]byte
	if _, err := f.ReadAt(b[:], at); err != nil {
		t.Fatal(err)
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b[:]))
}

func TestGapMeter(t *testing.T) {
	var g gapMeter
	for _, ms := range []int64{0, 33, 66, 200, 233} {
		g.add(ms, false)
	}
	g.add(900, true) // another source: no gap counted across the switch
	g.add(933, false)
	if g.max != 134 || g.at != 66 {
		t.Fatalf("largest gap %d at %d, want 134 at 66", g.max, g.at)
	}
}
