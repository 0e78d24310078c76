package main

// The Python processes the host starts (the program, policy packs), and their
// end when the engine ends the host.
//
// The engine ends a plugin by sending SIGINT to its whole process group, then
// SIGKILL after a cooldown. A Python program still waiting for the engine (a
// preview a mandatory policy failed) would take that SIGINT as a
// KeyboardInterrupt and print its traceback into the preview's output after the
// policy violations. So each child runs in a process group of its own, which
// the engine's signal does not reach, and the host ends the children itself,
// quietly, when it is told to stop: the engine has already reported everything
// the run had to say.

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
)

var errStopping = errors.New("the language host is stopping")

// children are the processes started and not yet waited for.
type children struct {
	mu       sync.Mutex
	running  map[*exec.Cmd]struct{}
	stopping bool
}

// run starts cmd in a process group of its own and waits for it; after stop,
// nothing new starts.
func (c *children) run(cmd *exec.Cmd) error {
	ownGroup(cmd)
	c.mu.Lock()
	if c.stopping {
		c.mu.Unlock()
		return errStopping
	}
	if err := cmd.Start(); err != nil {
		c.mu.Unlock()
		return err
	}
	if c.running == nil {
		c.running = map[*exec.Cmd]struct{}{}
	}
	c.running[cmd] = struct{}{}
	c.mu.Unlock()
	err := cmd.Wait()
	c.mu.Lock()
	delete(c.running, cmd)
	c.mu.Unlock()
	return err
}

// stop kills every running child's process group.
func (c *children) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopping = true
	for cmd := range c.running {
		killGroup(cmd)
	}
}

// stopOnSignal ends the children, then the host, on SIGINT or SIGTERM.
func stopOnSignal(c *children) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		c.stop()
		os.Exit(0)
	}()
}
