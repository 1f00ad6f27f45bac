package record

import "fmt"

// gapMeter keeps the largest step between consecutive video frame times (ms) and where it
// was. The recorder keeps two: one for the frames of the recorded track as they arrive from
// the media server, one for the frames it writes, so that a gap in the file can be told apart
// as the publisher's or the media server's (both show it) or the recorder's own (the written
// one only: frames skipped while it waited for a keyframe).
type gapMeter struct {
	last, max, at int64
	started       bool
}

// add notes a frame at `ms`; `restart` begins a new run (another track or source), whose
// first frame makes no gap with the one before.
func (g *gapMeter) add(ms int64, restart bool) {
	if g.started && !restart && ms-g.last > g.max {
		g.max, g.at = ms-g.last, g.last
	}
	g.last, g.started = ms, true
}

func (g *gapMeter) String() string {
	return fmt.Sprintf("%d ms at %.1f s", g.max, float64(g.at)/1000)
}
