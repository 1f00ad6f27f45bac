package record

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
)

// A screen share subscribed before it sends a picture leaves the camera recorded until its
// first keyframe with one; from that keyframe on the screen is written (ffprobe reads the
// file's video packets back).
func TestScreenShareTakesOverAtItsFirstPicture(t *testing.T) {
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Skip("ffprobe is needed to read the file back")
	}
	path := filepath.Join(t.TempDir(), "out.webm")
	r := newRecorder(path)
	r.micPublished, r.opusChannels = true, 2
	done := make(chan error, 1)
	go func() { _, err := r.write(); done <- err }()
	delta := append([]byte{0x01}, make([]byte, 40)...)
	cameraFrames := 0
	send := func(source livekit.TrackSource, ssrc uint32, key bool, ms int64, data []byte) {
		if source == livekit.TrackSource_CAMERA {
			cameraFrames++
		}
		r.frames <- frame{source: source, ssrc: webrtc.SSRC(ssrc), video: true, keyframe: key, ms: ms, data: data}
	}
	drain := func() { // until the writer has read every frame sent
		for len(r.frames) > 0 {
			time.Sleep(time.Millisecond)
		}
	}
	camera, screen := livekit.TrackSource_CAMERA, livekit.TrackSource_SCREEN_SHARE
	r.addVideo(camera, 1, func() {}, 640)
	send(camera, 1, true, 1000, keyframe(640, 360))
	ms := int64(1000)
	for ; ms < 2000; ms += 33 {
		send(camera, 1, false, ms+33, delta)
	}
	// The screen share is subscribed; for a second it sends nothing, then frames that are
	// not keyframes, then its first keyframe.
	drain()
	r.addVideo(screen, 2, func() {}, 1280)
	for ; ms < 3000; ms += 33 {
		send(camera, 1, false, ms+33, delta)
		if ms > 2500 {
			send(screen, 2, false, ms+40, delta)
		}
	}
	send(screen, 2, true, ms+40, keyframe(1280, 720))
	wanted := cameraFrames + 16 // every camera frame until the screen's keyframe, then 16
	for i := int64(1); i <= 15; i++ {
		send(camera, 1, false, ms+33*i, delta)
		send(screen, 2, false, ms+40+66*i, delta)
	}
	drain()
	r.requestStop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ffprobe, "-v", "error", "-print_format", "json",
		"-show_entries", "packet=stream_index,pts_time,flags", "-show_packets", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Packets []struct {
			Stream int    `json:"stream_index"`
			Pts    string `json:"pts_time"`
			Flags  string `json:"flags"`
		} `json:"packets"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatal(err)
	}
	var times []float64
	keys := 0
	for _, p := range info.Packets {
		if p.Stream != 0 {
			continue
		}
		v, _ := strconv.ParseFloat(p.Pts, 64)
		times = append(times, v)
		if p.Flags[0] == 'K' {
			keys++
		}
	}
	// The camera for 2 s (none lost waiting for the screen), then the screen's keyframe and
	// its 15 frames after.
	if len(times) != wanted || keys != 2 {
		t.Fatalf("%d video frames (%d keyframes), want %d (2): %v", len(times), keys, wanted, times)
	}
	for i := 1; i < len(times); i++ {
		if times[i]-times[i-1] > 0.07 {
			t.Fatalf("a gap of %.3f s at %.3f s: %v", times[i]-times[i-1], times[i-1], times)
		}
	}
}
