package instagramtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFields(t *testing.T) {
	fs, err := parseFields(" id, caption ,children.limit(3){id,media_type},owner{id,username},id,business_discovery.username(blue_bottle){followers_count,media.limit(2){id}}")
	require.Nil(t, err)
	require.Len(t, fs, 5, "duplicates are merged")
	assert.Equal(t, "id", fs[0].name)
	assert.Equal(t, "caption", fs[1].name)
	assert.Equal(t, "children", fs[2].name)
	assert.Equal(t, map[string]string{"limit": "3"}, fs[2].args)
	assert.True(t, fs[2].hasSub)
	assert.Equal(t, []fieldReq{{name: "id"}, {name: "media_type"}}, fs[2].sub)
	assert.Equal(t, "blue_bottle", fs[4].args["username"])
	assert.Equal(t, "2", fs[4].sub[1].args["limit"])
	assert.Equal(t, "id,caption,children.limit(3){id,media_type},owner{id,username},business_discovery.username(blue_bottle){followers_count,media.limit(2){id}}",
		formatFields(fs))

	empty, err := parseFields("")
	assert.Nil(t, err)
	assert.Empty(t, empty)
}

func TestParseFieldsErrors(t *testing.T) {
	for _, in := range []string{"children{id", "id}", "a b", "x.limit(3", "x.(3)", "{id}", "id,,$"} {
		_, err := parseFields(in)
		if assert.NotNil(t, err, in) {
			assert.Equal(t, 2500, err.Code, in)
			assert.Contains(t, err.Message, "Syntax error", in)
		}
	}
}
