package jwtauth

import (
	"sync"
	"time"
)

// verified is a token whose signature and claims were checked, with what must be checked
// again on each use.
type verified struct {
	claims    Claims
	notBefore time.Time
}

// verifiedCache remembers verified tokens, at most size of them. When full, it first forgets
// the expired ones, then, if still full, half of the others (whichever the map yields first:
// a forgotten token is only verified again on its next use).
type verifiedCache struct {
	mu   sync.RWMutex
	size int
	m    map[string]*verified
}

func newVerifiedCache(size int) *verifiedCache {
	return &verifiedCache{size: size, m: make(map[string]*verified)}
}

func (c *verifiedCache) get(token string) (*verified, bool) {
	c.mu.RLock()
	v, ok := c.m[token]
	c.mu.RUnlock()
	return v, ok
}

func (c *verifiedCache) put(token string, v *verified, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.size {
		for k, old := range c.m {
			if !now.Before(old.claims.ExpiresAt) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.size/2+1 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[token] = v
}
