package report

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Entry is one key and value of an Ordered object.
type Entry[V any] struct {
	Key   string
	Value V
}

// Ordered is a JSON object whose keys keep their order (candidate order in a report), so
// that the same count always gives the same bytes, and a reader sees candidates in ballot
// order rather than sorted by name.
type Ordered[V any] []Entry[V]

// Get returns the value of key and whether it is present.
func (o Ordered[V]) Get(key string) (V, bool) {
	for _, e := range o {
		if e.Key == key {
			return e.Value, true
		}
	}
	var zero V
	return zero, false
}

// MarshalJSON writes the entries as one object, in order.
func (o Ordered[V]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e.Key); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode ends with a newline
		b.WriteByte(':')
		if err := enc.Encode(e.Value); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object keeping the order of its keys.
func (o *Ordered[V]) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("report: expected a JSON object")
	}
	*o = (*o)[:0]
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var v V
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*o = append(*o, Entry[V]{Key: tok.(string), Value: v})
	}
	_, err := dec.Token()
	return err
}
