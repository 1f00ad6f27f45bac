// Command mirae-media is Mirae's media worker: one program, several roles, each a subcommand.
//
//	mirae-media record --url ws://127.0.0.1:7880 --out lecture.webm   (token in MIRAE_MEDIA_TOKEN)
//
// `record` joins a lecture's LiveKit room as a hidden, subscribe-only participant and writes
// the teacher's video (the screen share once it has a picture, else the camera, at the highest
// simulcast layer) and microphone to a WebM file as the frames arrive, without decoding them.
// Later roles (a `relay` for shard rooms) are further subcommands of this program.
package main

import (
	"fmt"
	"os"

	"github.com/mirae/media/internal/record"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: mirae-media record --url URL --out FILE (token in MIRAE_MEDIA_TOKEN)")
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "record":
		os.Exit(record.Main(os.Args[2:]))
	default:
		usage()
	}
}
