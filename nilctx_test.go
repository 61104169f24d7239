package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

var ctxType = reflect.TypeFor[context.Context]()

// argFor returns a plausible argument of type t: a valid-looking id for a
// string, a zero value (or a pointer to one) otherwise, so that the nil
// context is the only thing wrong with most calls.
func argFor(t reflect.Type) reflect.Value {
	switch t.Kind() {
	case reflect.String:
		return reflect.ValueOf("17841400000000000").Convert(t)
	case reflect.Pointer:
		return reflect.New(t.Elem())
	case reflect.Slice:
		s := reflect.MakeSlice(t, 1, 1)
		s.Index(0).Set(argFor(t.Elem()))
		return s
	}
	return reflect.Zero(t)
}

// ctxMethods lists every exported method taking a context.Context first,
// on the client, its services and the OAuth configuration.
func ctxMethods(c *instagram.Client) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	add := func(name string, v reflect.Value) {
		for i := 0; i < v.NumMethod(); i++ {
			m := v.Type().Method(i)
			mt := m.Type
			if mt.NumIn() >= 2 && mt.In(1) == ctxType {
				out[name+"."+m.Name] = v.Method(i)
			}
		}
	}
	cv := reflect.ValueOf(c)
	add("Client", cv)
	for i := 0; i < cv.Elem().NumField(); i++ {
		f := cv.Elem().Field(i)
		if cv.Elem().Type().Field(i).IsExported() && f.Kind() == reflect.Pointer && !f.IsNil() {
			add(cv.Elem().Type().Field(i).Name, f)
		}
	}
	add("OAuthConfig", reflect.ValueOf(instagram.InstagramLoginConfig("1", "secret", "https://app.test/cb")))
	return out
}

// Every method that takes a context returns an ErrValidation error for a
// nil one, without panicking and without sending anything.
func TestNilContextEverywhere(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(jsonResponder(200, `{"id":"1"}`))
	c, err := instagram.NewClient(instagram.WithAccessToken(testToken), instagram.WithBaseURL(testBase),
		instagram.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	methods := ctxMethods(c)
	require.Greater(t, len(methods), 60, "the reflection found too few methods")
	errType := reflect.TypeFor[error]()
	for name, m := range methods {
		t.Run(name, func(t *testing.T) {
			mt.Reset()
			mt.RegisterNoResponder(jsonResponder(200, `{"id":"1"}`))
			typ := m.Type()
			args := []reflect.Value{reflect.Zero(ctxType)}
			for i := 1; i < typ.NumIn(); i++ {
				if typ.IsVariadic() && i == typ.NumIn()-1 {
					break
				}
				args = append(args, argFor(typ.In(i)))
			}
			var got error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panicked with a nil context: %v", r)
					}
				}()
				outs := m.Call(args)
				got = firstError(t, outs, errType)
			}()
			require.Error(t, got, "no error for a nil context")
			assert.True(t, errors.Is(got, instagram.ErrValidation), "%v", got)
			assert.Zero(t, mt.GetTotalCallCount(), "a request was sent")
		})
	}
}

// firstError finds the error a call returned, ranging over an iterator if
// that is what it returned.
func firstError(t *testing.T, outs []reflect.Value, errType reflect.Type) error {
	for _, o := range outs {
		if o.Type() == errType {
			if o.IsNil() {
				return nil
			}
			return o.Interface().(error)
		}
	}
	for _, o := range outs {
		if o.Kind() == reflect.Func && strings.HasPrefix(o.Type().String(), "iter.Seq2[") {
			var found error
			yield := reflect.MakeFunc(o.Type().In(0), func(a []reflect.Value) []reflect.Value {
				if e, ok := a[1].Interface().(error); ok && e != nil {
					found = e
				}
				return []reflect.Value{reflect.ValueOf(false)}
			})
			o.Call([]reflect.Value{yield})
			return found
		}
	}
	t.Fatalf("no error result in %v", fmt.Sprint(outs))
	return nil
}

var _ iter.Seq2[int, error]
